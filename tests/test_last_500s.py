"""The last 500s found by trying the site as an attacker would (issue 26): each is now a calm
answer naming the problem. Numbers in forms are ASCII digits only; every JSON a form carries
goes through the one depth-limited reader; a pack needs no temporary file."""

from __future__ import annotations

import errno
import json
import tempfile

import pytest

from tests.helpers import a_case, a_letter_case

NOT_ASCII_DIGITS = ["²", "①", "١", "𝟙", "Ⅻ", "¹0"]


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


def a_case_with_reports() -> dict:
    report = {"channel": "in-app", "at": "2026-11-01T10:00:00+00:00"}
    return a_case(locations=[{"url": "https://www.instagram.com/p/abc/", "reports": [report]}])


def test_deeply_nested_reports_on_the_questions_are_refused_calmly(client):
    response = client.post("/case/start", data={
        "requester_role": "parent", "jurisdiction": "england", "person_age_group": "known",
        "person_age": "14", "places-0-url": "https://www.instagram.com/p/abc/",
        "places-0-reports": "[" * 1000 + "]" * 1000, "action": "continue"})
    assert response.status_code < 500


@pytest.mark.parametrize("number", NOT_ASCII_DIGITS)
def test_a_place_number_that_is_not_ascii_digits_is_no_place(client, number):
    case = json.dumps(a_case_with_reports())
    response = client.post("/case/progress/record", data={"case": case, "log": number})
    assert response.status_code == 400
    assert "Choose a place from your progress page" in response.get_data(as_text=True)
    response = client.post("/case/progress/record", data={"case": case, "log": "0",
                                                          "edit": number})
    assert response.status_code == 200  # a new report, not a change


@pytest.mark.parametrize("field", ["place", "report"])
@pytest.mark.parametrize("number", NOT_ASCII_DIGITS)
def test_a_report_posted_with_odd_numbers_is_not_a_500(client, field, number):
    fields = {"case": json.dumps(a_case_with_reports()), "place": "0", "report": "",
              "channel": "email", "at": "2026-11-02T10:00", "zone": "Europe/London",
              "outcome": "waiting", field: number}
    response = client.post("/case/progress/log", data=fields)
    assert response.status_code in (200, 400)
    if field == "place":
        assert "Choose a place from your progress page" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", NOT_ASCII_DIGITS)
def test_removing_a_place_by_an_odd_number_removes_nothing(client, number):
    response = client.post("/case/start", data={
        "requester_role": "parent", "jurisdiction": "england",
        "places-0-url": "https://www.instagram.com/p/a/", "places-1-url": "https://x.example/b",
        "action": f"remove-place-{number}"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "https://x.example/b" in text and "https://www.instagram.com/p/a/" in text


def test_an_age_in_other_digits_is_asked_again(client):
    response = client.post("/case/start", data={
        "requester_role": "parent", "jurisdiction": "england", "person_age_group": "known",
        "person_age": "١٤", "places-0-url": "https://www.instagram.com/p/abc/",
        "action": "continue"})
    assert response.status_code == 200
    assert "Their age must be" in response.get_data(as_text=True)


def test_a_pack_needs_no_temporary_file(make_app, monkeypatch, small_directory):
    """/tmp out of inodes (or full): every temporary file or folder fails, and packs are made."""

    def no_room(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    for name in ("mkdtemp", "mkstemp", "TemporaryFile", "NamedTemporaryFile",
                 "TemporaryDirectory", "SpooledTemporaryFile"):
        monkeypatch.setattr(tempfile, name, no_room)
    from takedown import pdf

    # Where packs once went to worker processes (which need a temporary folder), ask for them.
    monkeypatch.setattr(pdf, "PACK_WORKERS", 2, raising=False)
    monkeypatch.setattr(pdf, "_idle", lambda: True, raising=False)
    monkeypatch.setattr(pdf, "_pool", None, raising=False)
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    response = client.post("/letters/pack", data={"case": json.dumps(a_letter_case()),
                                                  "letter": "pack/"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
