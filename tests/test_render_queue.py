"""A surge of letters is turned away politely (503, Retry-After), never queued without bound."""

import json
import threading

import pytest

from takedown import pdf
from tests.helpers import ABSENT, a_case, page_checks

CASE = a_case(person={"under_18": ABSENT, "age": 15})


@pytest.fixture
def busy(client, monkeypatch):
    """Every place in this process's render queue is taken."""
    full = threading.BoundedSemaphore(1)
    full.acquire()
    monkeypatch.setattr(pdf, "_queue", full)


@pytest.fixture
def client(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    return app.test_client()


def test_a_busy_web_download_says_when_to_try_again(client, busy):
    response = client.post("/letters/download", data={
        "case": json.dumps(CASE), "kind": "platform", "platform": "instagram"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = page_checks(response)
    assert "try again" in html.text and "back button" in html.text


def test_a_busy_api_letter_is_json_with_retry_after(client, busy):
    response = client.post("/api/v1/letters/pack", json=CASE)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"] == "Service Unavailable"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def one_at_a_time(make_app, monkeypatch):
    """An app allowing one render in the process at once; the process's limit is put back after."""
    monkeypatch.setattr(pdf, "_queue", pdf._queue)
    return make_app(WTF_CSRF_ENABLED=False, RENDER_QUEUE_LIMIT=1).test_client()


def test_the_queue_frees_its_slot_after_each_render(one_at_a_time):
    for _ in range(3):
        assert one_at_a_time.post("/api/v1/letters/pack", json=CASE).status_code == 200


def test_the_apps_limit_holds_for_the_process(one_at_a_time):
    pdf._queue.acquire()  # the one place is taken: a letter in another thread of this worker
    try:
        response = one_at_a_time.post("/api/v1/letters/platform?platform=instagram", json=CASE)
    finally:
        pdf._queue.release()
    assert response.status_code == 503
    assert one_at_a_time.post("/api/v1/letters/platform?platform=instagram",
                              json=CASE).status_code == 200


def test_the_api_document_declares_the_busy_answer(client):
    document = client.get("/api/v1/openapi.json").json
    assert "503" in document["paths"]["/api/v1/letters/{kind}"]["post"]["responses"]
