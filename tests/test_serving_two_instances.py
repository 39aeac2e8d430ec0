"""Two app instances behind one nginx, sharing Redis and the secret key, as a load balancer
would run them: a form from one is accepted by the other, rate limits add up across both,
and stopping one loses no request that nginx can send to the other.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup

from deploy import serve
from tests.helpers import ANSWERS
from tests.serving_kit import fetch, kill, letter, new_visitor

API_LIMIT = 12


@pytest.fixture(scope="module")
def stack():
    running = serve.Stack(instances=2, page_workers=1, letter_workers=1, warm_up=False,
                          env={"TAKEDOWN_RATELIMIT_API": f"{API_LIMIT} per minute"}).start()
    yield running
    kill(running)


def on_instance(stack, instance: int, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None):
    """A request straight to one instance's page pool, past nginx."""

    class Connection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(30)
            self.sock.connect(str(stack.pool_socket(instance, "pages")))

    connection = Connection("localhost")
    try:
        connection.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_a_form_served_by_one_instance_is_accepted_by_the_other(stack):
    status, headers, body = on_instance(stack, 0, "GET", "/case/start")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = BeautifulSoup(body, "html.parser").select_one("input[name=csrf_token]")["value"]
    form = urlencode({**ANSWERS, "action": "continue", "csrf_token": token}).encode()
    status, _, body = on_instance(stack, 1, "POST", "/case/start", form, {
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    page = BeautifulSoup(body, "html.parser")
    assert " ".join(page.h1.text.split()) == "Check your answers"
    assert "timed out" not in page.text


def test_rate_limits_add_up_across_both_instances(stack):
    visitor = new_visitor()
    answers = [fetch(stack.url, path="/api/v1/platforms", source=visitor) for _ in range(API_LIMIT + 4)]
    assert [a.status for a in answers] == [200] * API_LIMIT + [429] * 4
    # nginx shared them out: both instances answered, yet one allowance was spent.
    time.sleep(0.3)
    lines = [line for line in stack.logs if line.startswith("[nginx]") and visitor in line]
    assert any("pages-0.sock" in line for line in lines)
    assert any("pages-1.sock" in line for line in lines)


def test_stopping_one_instance_loses_no_request(stack):
    results, stop = [], threading.Event()

    def keep_asking(kind):
        while not stop.is_set():
            if kind == "page":
                results.append(("page", fetch(stack.url, path="/platforms/instagram",
                                              source=new_visitor()).status))
            else:
                results.append(("letter", letter(stack.url, new_visitor()).status))

    threads = [threading.Thread(target=keep_asking, args=(kind,))
               for kind in ("page", "page", "page", "letter")]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)
        stack.stop_instance(0)
        time.sleep(2.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    pages = [status for kind, status in results if kind == "page"]
    letters = [status for kind, status in results if kind == "letter"]
    assert pages and set(pages) == {200}, pages
    assert letters and set(letters) == {200}, letters
    # The one left carries on alone.
    assert fetch(stack.url, path="/", source=new_visitor()).status == 200
    assert letter(stack.url, new_visitor()).status == 200
