"""CSRF: with tokens on, a web form POST without a good token never does what it asks.

What each form does with a good token, and what it must do instead without one:

* /case/start "continue": the check page. Instead: the questions again, filled in.
* /case/plan: the plan. Instead: the check page again.
* /case/save: a case file download. Instead: the check page again.
* /letters/download: a PDF. Instead: a page saying it timed out.
* /letters/text, /letters/pack/text: the letter (or the pack) as text to copy. Instead: a
  page saying it timed out.
* /case/open: the questions, filled in from the file, saying it opened. Instead: the same
  questions saying the page timed out (reading your own file changes nothing).
* /case/change: the questions, filled in from the hidden case. Instead: the same questions
  saying the page timed out, so a cross-site form cannot pass its data off as the user's.

The API takes only JSON, which a cross-site form cannot send.
"""

from __future__ import annotations

import io
import json

import pytest
from bs4 import BeautifulSoup

from takedown.web.forms import TIMED_OUT
from tests.helpers import (
    ANSWERS,
    a_case,
    assert_security_headers,
    new_app,
    normalize_spaces,
    page_checks,
)

CASE = a_case()


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def client(app):
    return app.test_client()


def token(client) -> str:
    html = page_checks(client.get("/case/start"))
    return html.select_one("input[name=csrf_token]")["value"]


def foreign_token() -> str:
    """A real token, signed with the same key, but for another browser's session."""
    return token(new_app(WTF_CSRF_ENABLED=True).test_client())


def post(client, path, csrf, **data):
    if csrf is not None:
        data["csrf_token"] = csrf
    if path == "/case/open":
        data["case_file"] = (io.BytesIO(json.dumps(CASE).encode()), "takedown-case.json")
        return client.post(path, data=data, content_type="multipart/form-data")
    return client.post(path, data=data)


FORMS = {
    "/case/start": {**ANSWERS, "action": "continue"},
    "/case/plan": {"case": json.dumps(CASE)},
    "/case/save": {"case": json.dumps(CASE)},
    "/letters/download": {"case": json.dumps(CASE), "kind": "iwf"},
    "/letters/pack": {"case": json.dumps(CASE), "kind": "pack"},
    "/letters/text": {"case": json.dumps(CASE), "kind": "iwf"},
    "/letters/pack/text": {"case": json.dumps(CASE), "kind": "pack"},
    "/case/open": {},
    "/case/change": {"case": json.dumps(CASE)},
    "/case/progress": {"case": json.dumps(CASE)},
    "/case/progress/record": {"case": json.dumps(CASE), "log": "0"},
    "/case/progress/log": {"case": json.dumps(CASE), "place": "0", "channel": "in-app",
                           "at": "2026-11-30T10:00", "outcome": "waiting"},
    "/case/progress/calendar": {"case": json.dumps(CASE)},
}
BAD_TOKENS = {"none": None, "empty": "", "garbage": "not-a-token",
              "tampered": "IjAwMDAi.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA", "foreign": "foreign"}


def heading(response) -> str:
    return normalize_spaces(BeautifulSoup(response.data, "html.parser").h1.text)


def did_the_action(path, response) -> bool:
    if path == "/case/save":
        return response.mimetype == "application/json"
    if path in ("/letters/download", "/letters/pack"):
        return response.mimetype == "application/pdf"
    if path in ("/letters/text", "/letters/pack/text"):
        return 'id="letter-text"' in response.get_data(as_text=True)
    if path == "/case/start":
        return heading(response) == "Check your answers"
    if path == "/case/plan":
        return heading(response) == "Your plan"
    if path == "/letters/text":
        return heading(response) != "We could not make that letter yet"
    if path == "/case/progress/calendar":
        return response.mimetype == "text/calendar"
    if path == "/case/progress/record":
        return heading(response) == "Log a report"
    if path == "/case/progress/log":
        return "Your report is logged" in response.get_data(as_text=True)
    if path == "/case/progress":
        return heading(response) == "Your progress"
    return TIMED_OUT not in normalize_spaces(BeautifulSoup(response.data, "html.parser").text)


def test_every_web_form_post_is_listed(app):
    posts = {rule.rule for rule in app.url_map.iter_rules()
             if "POST" in rule.methods and not rule.rule.startswith("/api/")}
    assert posts == set(FORMS)


@pytest.mark.parametrize("path", FORMS)
def test_a_good_token_does_the_action(client, path):
    response = post(client, path, token(client), **FORMS[path])
    assert did_the_action(path, response), response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("bad", BAD_TOKENS)
@pytest.mark.parametrize("path", FORMS)
def test_a_missing_or_bad_token_never_does_the_action(client, path, bad):
    token(client)  # the browser has a session with its own token
    csrf = foreign_token() if bad == "foreign" else BAD_TOKENS[bad]
    response = post(client, path, csrf, **FORMS[path])
    assert not did_the_action(path, response)
    assert response.status_code in (200, 400)
    assert response.mimetype == "text/html"
    html = page_checks(response)
    assert TIMED_OUT in normalize_spaces(html.text) or "timed out" in html.text
    assert_security_headers(response)
    assert response.headers["Cache-Control"] == "no-store"
    # The page offers a fresh, good token: sending again works.
    fresh = html.select_one("input[name=csrf_token]")
    assert fresh is not None and fresh["value"] not in ("", csrf)


def test_a_timed_out_question_page_keeps_the_answers_and_sends_again(client):
    token(client)
    response = post(client, "/case/start", "stale", **FORMS["/case/start"], requester_name="Pat")
    html = page_checks(response)
    assert html.select_one("input[name=requester_name]")["value"] == "Pat"
    again = {tag["name"]: tag.get("value", "") for tag in html.select("input[type=hidden]")}
    response = post(client, "/case/start", again["csrf_token"], **FORMS["/case/start"])
    assert heading(response) == "Check your answers"


def test_a_token_without_its_session_cookie_is_refused(app):
    client = app.test_client()
    good = token(client)
    client.delete_cookie("takedown_csrf")
    response = post(client, "/letters/download", good, **FORMS["/letters/download"])
    assert response.mimetype == "text/html"


def test_change_only_shows_the_questions(client):
    response = client.post("/case/change", data={"case": json.dumps(CASE)})
    assert heading(response) == "Tell us what has happened"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers or "takedown_csrf" in response.headers["Set-Cookie"]


def test_pages_cannot_be_framed(client):
    response = client.get("/case/start")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_session_cookie_is_httponly_and_samesite(client):
    client.get("/case/start")
    cookie = client.get_cookie("takedown_csrf")
    assert cookie.http_only and cookie.same_site == "Lax"


# --- the API: JSON only, so no cross-site form can post to it --------------------------------

API_POSTS = ["/api/v1/identify", "/api/v1/plan", "/api/v1/letters/pack"]
# What a cross-site HTML form (or a "simple" fetch) can send without a preflight.
SIMPLE_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain", None]


@pytest.mark.parametrize("content_type", SIMPLE_TYPES)
@pytest.mark.parametrize("path", API_POSTS)
def test_the_api_refuses_anything_but_json(client, path, content_type):
    body = json.dumps(CASE if not path.endswith("identify") else {"url": "tiktok.com"})
    if content_type == "multipart/form-data":
        response = client.post(path, data={"json": body}, content_type=content_type)
    elif content_type == "application/x-www-form-urlencoded":
        response = client.post(path, data={body: ""})
    else:
        response = client.post(path, data=body.encode(),
                               **({"content_type": content_type} if content_type else {}))
    assert response.status_code == 415
    assert response.is_json and set(response.get_json()) == {"error", "message"}
    assert_security_headers(response)


@pytest.mark.parametrize("path", API_POSTS)
def test_the_api_needs_no_cookie_or_token(make_app, path):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    body = CASE if not path.endswith("identify") else {"url": "tiktok.com"}
    response = client.post(path, json=body)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


# --- a cross-site form: no cookie, so no earlier answers of this browser to keep ------------

ATTACKER = "Mallory Forgedname"


def attackers(path: str) -> dict:
    """The form at path, filled in by someone else's page: a name of theirs in the answers."""
    forged = a_case(requester={"name": ATTACKER, "email": "mallory@forged.example"})
    if path == "/case/start":
        return {**FORMS[path], "requester_name": ATTACKER}
    if path == "/case/progress/log":
        return {**FORMS[path], "case": json.dumps(forged), "note": ATTACKER}
    return {**FORMS[path], "case": json.dumps(forged)} if "case" in FORMS[path] else {}


@pytest.mark.parametrize("bad", ["none", "garbage", "foreign"])
@pytest.mark.parametrize("path", FORMS)
def test_a_refused_form_from_a_browser_with_no_session_shows_nothing_it_sent(app, path, bad):
    """A browser sends the SameSite=Lax session cookie only with our own pages' forms, so a
    refused form without it cannot be this person's earlier answers: it comes back empty,
    never filled in with what another site posted (and a fresh token to send it on)."""
    client = app.test_client()  # never had a page from us: no cookie
    csrf = foreign_token() if bad == "foreign" else BAD_TOKENS[bad]
    response = post(client, path, csrf, **attackers(path))
    assert not did_the_action(path, response)
    assert response.status_code in (200, 400)
    text = response.get_data(as_text=True)
    assert ATTACKER not in text and "mallory@forged.example" not in text
    assert "timed out" in text


@pytest.mark.parametrize("action", ["add-place", "remove-place-1", "back"])
def test_every_action_on_the_questions_checks_the_token(client, action):
    token(client)
    response = post(client, "/case/start", "stale", **ANSWERS, step="4",
                    **{"places-1-url": "https://x.example/b"}, action=action)
    html = page_checks(response)
    assert TIMED_OUT in normalize_spaces(html.text)
    assert len(html.select("input[name$=-url]")) == 2  # nothing added or removed


def test_behind_https_the_session_cookie_is_secure(make_app):
    client = make_app(WTF_CSRF_ENABLED=True, HTTPS=True).test_client()
    client.get("/case/start")
    assert client.get_cookie("takedown_csrf").secure
