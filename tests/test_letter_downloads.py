"""POST /letters/download: the PDF, or a calm page saying what is missing."""

import io
import json

import pytest
from pypdf import PdfReader

from takedown.case import SCHEMA
from tests.helpers import normalize_spaces, page_checks

CASE = {
    "schema": SCHEMA, "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
    "requester": {"role": "parent", "name": "Pat Doe", "email": "pat@example.com"},
    "person": {"age": 15},
    "locations": [{"url": "https://www.instagram.com/p/abc/", "account": "@someone"}],
}


@pytest.fixture
def client(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    return app.test_client()


def post(client, case=CASE, kind="platform", platform="instagram", **extra):
    data = {"case": json.dumps(case) if isinstance(case, dict) else case, "kind": kind,
            "platform": platform, **extra}
    return client.post("/letters/download", data=data)


def test_a_letter_downloads_as_an_attachment_that_is_never_cached(client):
    response = post(client)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "TD-7KQ2-M9XP".lower() in disposition.lower()
    assert response.headers["Cache-Control"] == "no-store"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "TD-7KQ2-M9XP" in text


def test_a_letter_without_a_name_says_what_to_add_and_keeps_the_case(client):
    case = dict(CASE, requester={"role": "parent"})
    response = post(client, case)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = page_checks(response)
    assert "Enter your name" in normalize_spaces(html.select_one(".error-summary").text)
    assert json.loads(html.select_one('input[name="case"]')["value"])["locations"] == CASE["locations"]
    assert html.select_one('button[formaction="/case/change#your-details"]')
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("case, kind, status", [
    ("not json", "platform", 400),
    ({"schema": "wrong"}, "platform", 400),
    (CASE, "invoice", 400),
])
def test_bad_downloads_get_a_page_not_a_crash(client, case, kind, status):
    response = post(client, case, kind)
    assert response.status_code == status
    page_checks(response)


def test_an_expired_form_never_gives_a_letter_but_keeps_the_case(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    # The browser still has the session cookie of the server before it restarted.
    client.set_cookie("takedown_csrf", "a-session-signed-with-the-key-before-a-restart")
    response = post(client, csrf_token="from-before-a-restart")
    assert response.mimetype == "text/html"
    html = page_checks(response)
    assert "timed out" in html.text
    assert html.select_one('input[name="case"]')
