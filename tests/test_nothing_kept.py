"""Nothing the user types is kept: no files written, nothing in the logs, nothing in the session."""

import builtins
import io
import json
import logging
import os
import tempfile

import pytest

from tests.helpers import Browser

SECRETS = {
    "requester_name": "Zebedee Quuxworth",
    "requester_email": "zebedee.quux@example.org",
    "requester_phone": "01632 960 777",
    "requester_address": "77 Hidden Lane\nNowhere",
    "person_name": "Ptolemy Snark",
    "person_school": "Snarkwood Academy",
    "school_contact_name": "Mrs Boojum",
    "places-0-url": "https://www.instagram.com/p/SECRETPOST77/",
    "places-0-account": "@snark_hunter_77",
    "places-0-description": "posted in the snark group",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def journey(client) -> Browser:
    """Everything a user does in the case flow, from the first question to a saved and reopened file."""
    browser = Browser(client).get("/case/start?all=1")  # every question on one page
    browser.press("#add-place", {"requester_role": "parent", "jurisdiction": "england",
                                 "person_age_group": "known", "person_age": "13", "concerns_threats": "y", **SECRETS})
    browser.press("#continue", {"places-1-platform": "snapchat", "requester_email": "bad email"})
    assert browser.error_links()
    browser.press("#continue", {"requester_email": SECRETS["requester_email"]})
    assert browser.heading == "Check your answers"
    browser.press("button[formaction='/case/change#requester_name']")
    browser.press("#continue")
    browser.press("#continue")
    assert browser.heading == "Your plan"
    browser.press("#save")
    saved = browser.response.data
    browser.get("/case/open")
    browser.press("#open", files={"case_file": (saved, "takedown-case.json")})
    browser.get("/case/open")
    browser.press("#open", files={"case_file": (b"garbage " + saved, "x.json")})
    return browser


@pytest.fixture
def no_writes(monkeypatch):
    """Fail on any attempt to open a file for writing or make a temporary file or folder."""
    attempts = []
    real_open, real_os_open = builtins.open, os.open

    def guarded_open(file, mode="r", *args, **kwargs):
        if isinstance(file, int) or not any(c in mode for c in "wax+"):
            return real_open(file, mode, *args, **kwargs)
        attempts.append((file, mode))
        raise AssertionError(f"tried to write {file!r}")

    def guarded_os_open(path, flags, *args, **kwargs):
        if flags & _WRITE_FLAGS:
            attempts.append((path, flags))
            raise AssertionError(f"tried to write {path!r}")
        return real_os_open(path, flags, *args, **kwargs)

    def refused(*args, **kwargs):
        attempts.append(("tempfile", args))
        raise AssertionError("tried to make a temporary file")

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp",
                 "TemporaryDirectory"):
        monkeypatch.setattr(tempfile, name, refused)
    monkeypatch.setattr(os, "mkdir", refused)
    monkeypatch.setattr(os, "makedirs", refused)
    yield attempts
    assert attempts == []


def test_a_whole_journey_writes_nothing(make_app, no_writes):
    client = make_app().test_client()
    journey(client)
    assert no_writes == []


def test_a_whole_journey_writes_no_file_in_the_project(make_app):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    client = make_app().test_client()
    journey(client)  # warm up: templates compiled, modules imported

    def snapshot():
        found = {}
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in (".venv", ".git", "__pycache__", ".pytest_cache",
                                                    "node_modules")]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    found[path] = os.stat(path).st_mtime_ns
                except FileNotFoundError:
                    pass
        return found

    before = snapshot()
    journey(client)
    after = snapshot()
    # Only files this journey could have made: any name holding what the user typed or a case file.
    new = [p for p in set(after) - set(before)
           if "takedown-case" in p or any(v.split()[0].lower() in p.lower() for v in SECRETS.values())]
    assert new == []


def test_nothing_typed_reaches_the_logs(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    app = make_app()
    app.logger.setLevel(logging.DEBUG)
    journey(app.test_client())
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for value in SECRETS.values():
        for part in value.split("\n"):
            assert part not in logged


def test_the_session_cookie_holds_only_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    journey(client)
    cookie = client.get_cookie("takedown_csrf")
    assert cookie is not None
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(data) == {"csrf_token"}
    assert not any(value in json.dumps(data) for value in SECRETS.values())
