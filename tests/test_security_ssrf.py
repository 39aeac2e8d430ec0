"""SSRF: nothing typed anywhere ever makes the service fetch anything.

A loopback listener counts every connection made to it; every field holds links,
markup and CSS pointing at it (and at file:// and a made-up host). The whole web
journey, every letter kind, the API and the case file run; afterwards the listener
has had no connection, WeasyPrint's fetcher was asked for nothing outside letters/,
and no name was looked up in DNS. (conftest.py already fails anything off loopback.)
"""

from __future__ import annotations

import io
import json
import socket

import pytest
from bs4 import BeautifulSoup

from takedown import pdf

PROBE_HOST = "ssrf-probe.example"


def hostile(port: int) -> list[str]:
    base = f"http://127.0.0.1:{port}"
    return [
        f'<img src="{base}/img.png">',
        f'<link rel="stylesheet" href="{base}/x.css">',
        f"<style>@import url({base}/i.css); body {{ background: url({base}/bg) }}</style>",
        f'<p style="background-image: url({base}/inline)">x</p>',
        f"url({base}/bare) url('file:///etc/passwd')",
        '<iframe src="file:///etc/passwd"></iframe>',
        f'<object data="{base}/obj"></object><embed src="{base}/embed">',
        f'<svg><image href="{base}/svg.png"/></svg>',
        f'<a href="{base}/a">link</a> <base href="{base}/">',
        f'<img src="http://{PROBE_HOST}/dns.png"> @font-face{{src:url({base}/f.ttf)}}',
        f'<link rel="attachment" href="file:///etc/passwd"> {base}/plain',
    ]


def places(port: int) -> list[dict]:
    bad = hostile(port)
    return [
        {"url": f"http://127.0.0.1:{port}/image.jpg", "description": bad[0], "account": bad[1]},
        {"url": f"//127.0.0.1:{port}/protocol-relative", "description": bad[2],
         "account": bad[3]},
        {"url": f"http://{PROBE_HOST}/p", "description": bad[4], "account": bad[5]},
        {"url": "https://www.instagram.com/p/x", "platform": "instagram",
         "description": bad[6], "account": bad[7]},
        {"url": f"https://{PROBE_HOST}.evil/{bad[8].replace(' ', '')}", "platform": "tiktok"},
    ]


def hostile_case(port: int, under_18: bool) -> dict:
    bad = hostile(port)
    return {
        "schema": "takedown-case/1", "jurisdiction": "england",
        "requester": {"role": "caseworker", "name": bad[8], "email": "pat@example.com",
                      "organisation": bad[9], "address": bad[10]},
        "person": {"under_18": under_18, "name": bad[0], "school": bad[2]},
        "concerns": {"threats": True, "shared_at_school": True},
        "locations": places(port),
        "school": {"name": bad[1], "contact_name": bad[3], "address": bad[4],
                   "email": "dsl@school.example"},
    }


@pytest.fixture
def watch(monkeypatch):
    """Record what WeasyPrint's fetcher is asked for and every DNS lookup."""
    fetched, looked_up = [], []
    cls = pdf._fetcher_class()
    real_fetch, real_getaddrinfo = cls.fetch, socket.getaddrinfo

    def fetch(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    def getaddrinfo(host, *args, **kwargs):
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(cls, "fetch", fetch)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return fetched, looked_up


def assert_nothing_fetched(listener, watch):
    fetched, looked_up = watch
    assert listener.connections == 0
    outside = [url for url in fetched if not url.startswith(pdf.LETTERS_DIR.as_uri() + "/")]
    assert outside == []
    assert not [host for host in looked_up if PROBE_HOST in str(host)]


def _hidden_case(response) -> str:
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return html.select_one("input[name=case]")["value"]


@pytest.mark.parametrize("under_18", [True, False], ids=["child", "adult"])
def test_the_web_journey_and_every_letter_fetch_nothing(make_app, listener, watch, under_18):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    case = hostile_case(listener.port, under_18)
    # The questions, as typed.
    form = {"requester_role": "caseworker", "jurisdiction": "england",
            "person_age_group": "under-18" if under_18 else "adult",
            "requester_name": case["requester"]["name"], "requester_email": "pat@example.com",
            "requester_organisation": case["requester"]["organisation"],
            "requester_address": case["requester"]["address"],
            "person_name": case["person"]["name"], "school_name": case["school"]["name"]}
    for i, place in enumerate(case["locations"]):
        form |= {f"places-{i}-{key}": value for key, value in place.items()}
    check = client.post("/case/start", data=form)
    assert b"Check your answers" in check.data, check.get_data(as_text=True)[:3000]
    carried = _hidden_case(check)
    plan = client.post("/case/plan", data={"case": carried})
    assert plan.status_code == 200
    html = BeautifulSoup(plan.get_data(as_text=True), "html.parser")
    buttons = html.select(".letter-list button[name=letter]:not([formaction$='/text'])")
    offered = [tuple(button["value"].split("/")) for button in buttons]
    assert {button.get("formaction", "/letters/download") for button in buttons} == {
        "/letters/download", "/letters/pack"}
    kinds = {kind for kind, _ in offered}
    assert kinds == ({"platform", "school", "iwf", "pack"} if under_18 else {"platform", "pack"})
    if not under_18:
        assert ("platform", "other") in offered
    for button, (kind, platform) in zip(buttons, offered, strict=True):
        response = client.post(button.get("formaction", "/letters/download"),
                               data={"case": carried, "kind": kind, "platform": platform})
        assert response.mimetype == "application/pdf", (kind, platform)
    client.post("/case/save", data={"case": carried})
    client.post("/case/change", data={"case": carried})
    client.post("/case/open", data={"case_file": (io.BytesIO(carried.encode()), "c.json")},
                content_type="multipart/form-data")
    client.get("/platforms", query_string={"q": f"http://127.0.0.1:{listener.port}/q"})
    assert_nothing_fetched(listener, watch)


def test_the_api_fetches_nothing(make_app, listener, watch):
    client = make_app().test_client()
    for under_18 in (True, False):
        case = hostile_case(listener.port, under_18)
        assert client.post("/api/v1/plan", json=case).status_code == 200
        kinds = [("platform", "instagram"), ("platform", "tiktok"), ("pack", None)]
        kinds += [("school", None), ("iwf", None)] if under_18 else [("platform", "other")]
        for kind, platform in kinds:
            query = f"?platform={platform}" if platform else ""
            response = client.post(f"/api/v1/letters/{kind}{query}", json=case)
            assert response.mimetype == "application/pdf", (kind, response.get_json())
    for url in (f"http://127.0.0.1:{listener.port}/", "file:///etc/passwd",
                f"http://{PROBE_HOST}/", f"gopher://127.0.0.1:{listener.port}/_x"):
        assert client.post("/api/v1/identify", json={"url": url}).status_code == 200
    assert_nothing_fetched(listener, watch)


def test_the_listener_would_have_seen_a_fetch(listener):
    """The listener counts connections: the test above would notice one."""
    with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
        pass
    for _ in range(50):
        if listener.connections:
            break
        import time
        time.sleep(0.02)
    assert listener.connections == 1


def test_a_letter_with_a_link_to_the_listener_is_refused_not_fetched(listener):
    """Straight into the renderer, bypassing escaping: the fetcher stops the render."""
    from weasyprint.urls import FatalURLFetchingError

    html = (f'<!doctype html><title>t</title><img src="http://127.0.0.1:{listener.port}/x">')
    with pytest.raises(FatalURLFetchingError):
        pdf.html_to_pdf(html, "t")
    assert listener.connections == 0


def test_the_case_file_is_read_not_followed(make_app, listener, watch):
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    content = json.dumps({"schema": "takedown-case/1", "$ref": f"http://127.0.0.1:{listener.port}/",
                          "locations": [{"url": f"http://127.0.0.1:{listener.port}/f"}]}).encode()
    response = client.post("/case/open", data={"case_file": (io.BytesIO(content), "c.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert_nothing_fetched(listener, watch)
