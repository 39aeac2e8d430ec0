"""Render slots shared by every worker: a letter waits for a free core in any worker, and
a worker that dies never keeps its slot."""

import json
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from takedown import pdf
from takedown.render_slots import RenderSlots, SlotWaitTooLong
from tests.helpers import ABSENT, a_case

CASE = a_case(person={"under_18": ABSENT, "age": 15})

ROOT = Path(__file__).resolve().parent.parent

# Another process: takes `count` slots, or stands in the queue, until it is killed.
CHILD = """
import sys, time
from takedown.render_slots import RenderSlots
directory, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
slots = RenderSlots(directory, count)
if mode == "hold":
    for _ in range(count):
        slots.acquire(5)
    print("held", flush=True)
else:  # stand in the queue without ever taking a slot: a waiter that is slow to look
    slots._descriptors()
    slots._join_queue()
    print("queued", flush=True)
time.sleep(60)
"""


@pytest.fixture
def child(tmp_path):
    """Start another process on the slots in tmp_path; return (process, its first line)."""
    children = []

    def start(count: int, mode: str):
        process = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(count), mode],
                                   stdout=subprocess.PIPE, text=True, cwd=ROOT)
        children.append(process)
        return process, process.stdout.readline().strip()

    yield start
    for process in children:
        process.kill()
        process.wait()
        process.stdout.close()


@pytest.fixture
def hold_slots(child):
    def hold(count: int):
        process, line = child(count, "hold")
        assert line == "held"
        return process
    return hold


def test_a_free_slot_is_taken_and_given_back(tmp_path):
    slots = RenderSlots(tmp_path, 2)
    first = slots.acquire(0)
    second = slots.acquire(0)
    assert first != second
    with pytest.raises(SlotWaitTooLong):
        slots.acquire(0)
    slots.release(first)
    assert slots.acquire(0) == first
    slots.release(first)
    slots.release(second)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["queue", "slot-0", "slot-1"]
    assert list((tmp_path / "queue").iterdir()) == []
    assert all(path.stat().st_size == 0 for path in tmp_path.glob("slot-*"))


def test_slot_files_removed_while_running_are_made_again(tmp_path, hold_slots):
    slots = RenderSlots(tmp_path, 1)
    slots.release(slots.acquire(0))
    for path in tmp_path.glob("slot-*"):
        path.unlink()
    (tmp_path / "queue").rmdir()
    # A process started after the clean-up takes the slot: this one must see it is taken.
    hold_slots(1)
    with pytest.raises(SlotWaitTooLong):
        slots.acquire(0.2)
    assert (tmp_path / "slot-0").exists()


def test_slots_held_by_another_process_make_this_one_wait_then_give_up(tmp_path, hold_slots):
    hold_slots(2)
    slots = RenderSlots(tmp_path, 2)
    start = time.monotonic()
    with pytest.raises(SlotWaitTooLong):
        slots.acquire(0.3)
    assert 0.3 <= time.monotonic() - start < 2


def test_one_slot_left_by_another_process_is_found(tmp_path, hold_slots):
    hold_slots(1)
    slots = RenderSlots(tmp_path, 2)
    slots.release(slots.acquire(0.5))


def test_a_process_that_dies_gives_its_slots_back(tmp_path, hold_slots):
    holder = hold_slots(1)
    slots = RenderSlots(tmp_path, 1)
    with pytest.raises(SlotWaitTooLong):
        slots.acquire(0.1)
    holder.kill()
    holder.wait()
    slots.release(slots.acquire(2))


def test_a_render_that_came_later_waits_its_turn(tmp_path, child):
    waiter, line = child(1, "queue")
    assert line == "queued"
    slots = RenderSlots(tmp_path, 1)
    # The slot is free, but a live render queued first and is owed it.
    with pytest.raises(SlotWaitTooLong):
        slots.acquire(0.3)
    # That render's process dies: its place is cleared and the next in line goes.
    waiter.kill()
    waiter.wait()
    slots.release(slots.acquire(1))
    assert list((tmp_path / "queue").iterdir()) == []


def test_only_as_many_waiters_as_slots_try_for_one(tmp_path, child):
    child(2, "queue")
    slots = RenderSlots(tmp_path, 2)
    slots.release(slots.acquire(0.3))  # one waiter ahead, two slots: this one may go


@pytest.fixture
def slotted_client(make_app, tmp_path):
    app = make_app(WTF_CSRF_ENABLED=False, RENDER_SLOTS_DIR=str(tmp_path), RENDER_SLOTS=1,
                   RENDER_SLOT_WAIT=0.3)
    yield app.test_client()
    # The slots belong to that app alone: another app shares none.
    assert make_app(TESTING=True).extensions[pdf.EXTENSION].slots is None


def test_letters_render_through_the_shared_slots(slotted_client, tmp_path):
    response = slotted_client.post("/api/v1/letters/platform?platform=instagram", json=CASE)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["queue", "slot-0"]


def test_a_letter_that_waits_too_long_for_a_slot_gets_503(slotted_client, hold_slots):
    hold_slots(1)
    response = slotted_client.post("/api/v1/letters/platform?platform=instagram", json=CASE)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    web = slotted_client.post("/letters/download", data={
        "case": json.dumps(CASE), "kind": "platform", "platform": "instagram"})
    assert web.status_code == 503
    assert "try again" in web.get_data(as_text=True)


def test_gunicorn_makes_the_slots_directory_and_removes_it(monkeypatch):
    monkeypatch.setenv("TAKEDOWN_SECRET_KEY", "set-by-the-operator")
    monkeypatch.delenv("TAKEDOWN_RENDER_SLOTS_DIR", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        config["on_starting"](None)
        directory = Path(os.environ["TAKEDOWN_RENDER_SLOTS_DIR"])
        assert directory.is_dir() and directory.parent == Path(tempfile.gettempdir())
        config["on_exit"](None)
        assert not directory.exists()
    finally:
        os.environ.pop("TAKEDOWN_RENDER_SLOTS_DIR", None)


def test_gunicorn_keeps_a_slots_directory_the_operator_chose(monkeypatch, tmp_path):
    monkeypatch.setenv("TAKEDOWN_SECRET_KEY", "set-by-the-operator")
    monkeypatch.setenv("TAKEDOWN_RENDER_SLOTS_DIR", str(tmp_path))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    config["on_starting"](None)
    config["on_exit"](None)
    assert os.environ["TAKEDOWN_RENDER_SLOTS_DIR"] == str(tmp_path) and tmp_path.is_dir()
