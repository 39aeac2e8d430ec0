"""Small helpers for reading what users see."""

import re
import socket
import threading

from bs4 import BeautifulSoup


def normalize_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def page_checks(response) -> BeautifulSoup:
    """Parse a page and apply the checks every page must pass."""
    html = soup(response)
    h1s = html.select("h1")
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    title = normalize_spaces(html.title.text)
    heading = normalize_spaces(h1s[0].text)
    assert title.removeprefix("Error: ").startswith(heading), (title, heading)
    ids = [tag["id"] for tag in html.select("[id]")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert html.html.get("lang") == "en-GB"
    assert html.select_one("main#main")
    assert html.select_one("a[data-exit-this-page]")
    for tag in html.select("[src]"):
        assert tag["src"].startswith("/"), f"third-party src {tag['src']}"
    for tag in html.select("link[href]"):
        assert tag["href"].startswith("/"), f"third-party stylesheet {tag['href']}"
    for form in html.select("form"):
        assert form.get("action"), "a form without an action"
    for upload in html.select("input[type=file]"):
        assert upload.get("accept") == ".json,application/json", "a file field that could take an image"
    return html


class Listener:
    """A loopback TCP server that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()
