"""No personal data in the logs, at any level, through everything a person or client can do.

Every logger (Flask's, Werkzeug's access log, WeasyPrint, Flask-Limiter, ...) is set to
DEBUG and captured while a whole journey runs: the questions with mistakes, check,
plan, every letter, save and open, the API (plan, identify, every letter, bad bodies,
query strings), errors (413, 429, 404, 500) and a live server's access log. Then
every value typed is searched for.
"""

from __future__ import annotations

import io
import json
import logging

import pytest
import requests

from tests.helpers import Browser

SECRETS = {
    "requester_name": "Quillon Vantablack",
    "requester_email": "quillon.v@secret-mail.example",
    "requester_phone": "01632 960 913",
    "requester_organisation": "Vantablack Family Trust",
    "requester_address": "913 Obscure Mews\nHiddenshire",
    "person_name": "Persimmon Ashgrove",
    "person_school": "Ashgrove Hollow Academy",
    "school_name": "Ashgrove Hollow School",
    "school_contact_name": "Mr Thistlewaite",
    "school_address": "1 Thistle Row\nGlenobscura",
    "school_email": "dsl@thistle-secret.example",
    "places-0-url": "https://www.instagram.com/p/SECRETPOSTQV913/",
    "places-0-account": "@persimmon_leak_913",
    "places-0-description": "shared in the quillon group chat",
    "places-1-url": "https://obscure-site-qv913.example/gallery/913",
}


def needles() -> list[str]:
    found = []
    for value in SECRETS.values():
        found += [part for part in value.split("\n") if part]
    # Distinctive pieces too, in case a value is logged cut up or re-encoded.
    found += ["Quillon", "Vantablack", "Persimmon", "Thistlewaite", "SECRETPOSTQV913",
              "persimmon_leak", "qv913", "960 913", "960+913", "quillon.v%40", "Obscure Mews"]
    return found


@pytest.fixture
def everything_at_debug(caplog):
    """Every logger at DEBUG, every record captured; restored afterwards."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(logger, logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.propagate = True
    yield caplog
    for logger, level, propagate in saved:
        logger.setLevel(level)
        logger.propagate = propagate


def logged(caplog) -> str:
    """Everything the service logged (not the test's own HTTP client, urllib3)."""
    records = [r for r in caplog.records if not r.name.startswith("urllib3")]
    parts = [logging.Formatter("%(name)s %(levelname)s %(message)s").format(r) for r in records]
    for record in records:
        parts += [str(record.msg), repr(record.args), record.getMessage(),
                  repr(record.exc_info), str(getattr(record, "extra", ""))]
    return "\n".join(parts)


def web_journey(client):
    browser = Browser(client).get("/case/start?all=1")  # every question on one page
    browser.press("#add-place", {"requester_role": "caseworker", "jurisdiction": "england",
                                 "person_age_group": "known", "person_age": "13", "concerns_threats": "y",
                                 **{k: v for k, v in SECRETS.items() if not k.startswith("places-1")}})
    browser.press("#continue", {"places-1-url": SECRETS["places-1-url"],
                                "requester_email": "not an email " + SECRETS["requester_name"]})
    browser.press("#continue", {"requester_email": SECRETS["requester_email"]})
    assert browser.heading == "Check your answers", browser.error_links()
    browser.press("#continue")
    assert browser.heading == "Your plan"
    case = browser.case
    form = browser.page.select_one("#letters-form")
    for button in form.select(".letter-list button[name=letter]:not([formaction$='/text'])"):
        data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
        response = client.post(button.get("formaction", form["action"]),
                               data={**data, "letter": button["value"]})
        assert response.mimetype == "application/pdf"
    browser.press("#save")
    saved = browser.response.data
    browser.get("/case/open")
    browser.press("#open", files={"case_file": (saved, "takedown-case.json")})
    browser.get("/case/open")
    browser.press("#open", files={"case_file": (b"{" + saved, "broken.json")})
    client.get("/platforms", query_string={"q": SECRETS["places-0-url"]})
    client.post("/case/plan", data={"case": json.dumps(case) + SECRETS["person_name"]})
    client.post("/letters/pack", data={"case": json.dumps(case), "kind": "pack",
                                           "csrf_token": SECRETS["person_name"]})
    client.post("/case/start", data={"requester_name": SECRETS["requester_name"] * 20000})
    return case


def api_journey(client, case):
    client.post("/api/v1/plan", json=case)
    client.post("/api/v1/plan", json={**case, "jurisdiction": SECRETS["person_name"]})
    client.post("/api/v1/plan", json={**case, SECRETS["person_school"]: 1})
    client.post("/api/v1/identify", json={"url": SECRETS["places-1-url"]})
    client.post(f"/api/v1/identify?q={SECRETS['person_name']}", json={"url": "x"})
    client.post("/api/v1/identify", data=SECRETS["requester_name"].encode() + b"\xff",
                content_type="application/json")
    client.post("/api/v1/identify", data=SECRETS["requester_name"], content_type="text/plain")
    for kind, platform in (("platform", "instagram"), ("platform", SECRETS["person_name"]),
                           ("school", None), ("iwf", None), ("pack", None)):
        query = f"?platform={platform}" if platform else ""
        client.post(f"/api/v1/letters/{kind}{query}", json=case)
    client.get(f"/api/v1/platforms/{SECRETS['person_name']}")
    client.get(f"/platforms/{SECRETS['person_school']}")


def test_nothing_typed_reaches_any_log_at_any_level(make_app, everything_at_debug):
    caplog = everything_at_debug
    # The letter limit counts work (about a page a unit): room for the journey's letters.
    app = make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, RATELIMIT_PDF="120 per minute",
                   RATELIMIT_API="8 per minute")
    app.logger.setLevel(logging.DEBUG)
    client = app.test_client()
    case = web_journey(client)
    api_journey(client, case)
    for _ in range(10):  # over both limits: 429s
        client.post("/api/v1/plan", json=case)
        last = client.post("/letters/pack", data={"case": json.dumps(case), "kind": "pack"})
        if last.status_code == 429:
            break
    assert last.status_code == 429
    assert caplog.records, "nothing was captured: the test would prove nothing"
    text = logged(caplog)
    for needle in needles():
        assert needle not in text, needle


def test_a_server_error_logs_no_request_data(make_app, everything_at_debug):
    caplog = everything_at_debug
    app = make_app(WTF_CSRF_ENABLED=False, PROPAGATE_EXCEPTIONS=False)

    def boom():
        from flask import request

        request.form  # noqa: B018 - the form was read when it broke
        raise RuntimeError("a bug")

    app.add_url_rule("/boom", "boom", boom, methods=["POST"])
    response = app.test_client().post(f"/boom?name={SECRETS['person_name']}",
                                      data={"requester_name": SECRETS["requester_name"]})
    assert response.status_code == 500
    assert any(record.levelno >= logging.ERROR for record in caplog.records)
    text = logged(caplog)
    for needle in needles():
        assert needle not in text, needle


def test_the_live_servers_access_log_has_no_query_strings(make_app, serve, everything_at_debug):
    caplog = everything_at_debug
    app = make_app(WTF_CSRF_ENABLED=False)
    with serve(app) as server:
        url = server.url
        requests.get(f"{url}/platforms", params={"q": SECRETS["person_name"]}, timeout=10)
        requests.post(f"{url}/api/v1/letters/platform",
                      params={"platform": SECRETS["person_school"]},
                      json={"x": SECRETS["requester_name"]}, timeout=10)
        requests.post(f"{url}/case/plan", data={"case": SECRETS["requester_address"]}, timeout=10)
        with io.BytesIO(SECRETS["school_name"].encode()) as upload:
            requests.post(f"{url}/case/open", files={"case_file": ("c.json", upload)}, timeout=10)
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/platforms?…" in line for line in access), access
    # Error statuses are coloured, and their query strings go too.
    assert any("/api/v1/letters/platform?…" in line and "422" in line for line in access), access
    text = logged(caplog)
    for needle in needles():
        assert needle not in text, needle


def test_coloured_error_lines_lose_their_query_strings_too():
    from takedown.web.security import DropQueryStrings

    for line in ('"\x1b[31m\x1b[1mPOST /api/v1/plan?name=Quillon HTTP/1.1\x1b[0m" 422 -',
                 '"\x1b[33mGET /platforms?q=Quillon HTTP/1.1\x1b[0m" 404 -',
                 '"GET /platforms?q=Quillon HTTP/1.1" 200 -'):
        record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                                   '127.0.0.1 - - [date] %s', (line,), None)
        DropQueryStrings().filter(record)
        assert "Quillon" not in record.getMessage()
        assert "?…" in record.getMessage()
