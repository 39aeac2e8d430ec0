"""What the live-stack tests share: raw HTTP to nginx from a chosen loopback address.

Every visitor is 127.0.0.1 on this machine, so a test that counts rate limits or
connections per client sends from its own address in 127.0.0.0/8 (Linux routes the whole
block to loopback), and nginx sees a different visitor.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from deploy import serve
from tests.helpers import a_letter_case

_next_address = [10]
_address_lock = threading.Lock()


def new_visitor() -> str:
    """A loopback address no other test in this run has sent from."""
    with _address_lock:
        _next_address[0] += 1
        n = _next_address[0]
    return f"127.0.{n // 250 + 1}.{n % 250 + 1}"


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def fetch(url: str, method: str = "GET", path: str = "/", body: bytes | None = None,
          headers: dict | None = None, source: str = "127.0.0.1", timeout: float = 60) -> Answer:
    """One request to the stack at url (http://127.0.0.1:port), from the address source."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout,
                                            source_address=(source, 0))
    started = time.monotonic()
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data,
                      time.monotonic() - started)
    finally:
        connection.close()


def raw(url: str, data: bytes, timeout: float = 15) -> bytes:
    """Send bytes as they are; return everything the server answers until it closes."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


def status_of(answer: bytes) -> int | None:
    """The status code of the first response in raw bytes, or None if there was none."""
    line = answer.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[0].startswith(b"HTTP/") else None


def letter(url: str, source: str = "127.0.0.1", kind: str = "iwf", timeout: float = 60) -> Answer:
    """Ask the API for one letter."""
    return fetch(url, "POST", f"/api/v1/letters/{kind}", json.dumps(a_letter_case()).encode(),
                 {"Content-Type": "application/json"}, source=source, timeout=timeout)


def page(url: str, source: str = "127.0.0.1", path: str = "/platforms/instagram",
         timeout: float = 30) -> Answer:
    return fetch(url, path=path, source=source, timeout=timeout)


def kill(stack: serve.Stack) -> None:
    """End a stack at once (SIGKILL); fail if any process of it or its run directory is left."""
    # For module stacks, whose tests are not about stopping: stopping gently is make serve's
    # own test's, and stopping an instance the two-instance test's. Everything is frozen
    # first (SIGSTOP), so no master starts a worker or supervisord a program meanwhile.
    supervisor = stack.supervisor.pid
    frozen = {supervisor}
    os.kill(supervisor, signal.SIGSTOP)
    while found := serve.descendants(supervisor) - frozen:
        for pid in found:
            _signal(pid, signal.SIGSTOP)
        frozen |= found
    for pid in frozen:
        _signal(pid, signal.SIGKILL)
    stack.stop()
    deadline = time.monotonic() + 10
    while (left := [pid for pid in frozen if alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, f"processes of the stack left running: {left}"
    assert not stack.run.exists()


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def alive(pid: int) -> bool:
    """Whether pid is a process that has not exited (a zombie has)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False
