"""The production shape, live: nginx in front of a page pool and a letter pool, Redis for limits.

One stack (deploy/serve.py, as `make serve` runs it) serves the whole module, with rate
limits on. Attacks and surges from issue 15, each bounded and on loopback: raw HTTP framing,
malformed chunked bodies, slow clients, a flood of letters, limits per visitor across
workers, API letters against the letter limit, Redis going away, a letter worker killed
mid-render, `make serve` stopping without a trace, and last nginx killed twice under load.
CI installs nginx and redis-server (scripts/system-deps.sh), so nothing here is skipped.
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.clients import Prober, at_once
from deploy import serve
from takedown import letters
from takedown.case import parse_case
from tests.helpers import a_case, a_letter_case
from tests.serving_kit import alive, fetch, kill, letter, new_visitor, page, raw, status_of

ROOT = Path(__file__).resolve().parent.parent
API_LIMIT = 20


def work_of(kind: str, case: dict) -> int:
    """What the letter limit counts for this letter (takedown.letterwork's units)."""
    now = datetime.now(UTC)
    return letters.prepare(kind, parse_case(case), today=now.date(), now=now).work


# The letter limit counts work: room for two packs of the letter case.
PACK_WORK = work_of("pack", a_letter_case())
PDF_LIMIT = 2 * PACK_WORK


@pytest.fixture(scope="module")
def stack():
    running = serve.Stack(env={"TAKEDOWN_RATELIMIT_API": f"{API_LIMIT} per minute",
                               "TAKEDOWN_RATELIMIT_PDF": f"{PDF_LIMIT} per minute"},
                          page_workers=2, letter_workers=2, letter_queue=4,
                          warm_up=False).start()
    yield running
    kill(running)


def log_since(stack, mark: int) -> str:
    return "\n".join(stack.logs[mark:])


# --- the shape ------------------------------------------------------------------------------


def test_pages_go_to_the_page_pool_and_letters_to_the_letter_pool(stack):
    mark = len(stack.logs)
    assert page(stack.url).status == 200
    made = letter(stack.url, new_visitor())
    assert made.status == 200 and made.headers["content-type"] == "application/pdf"
    time.sleep(0.3)
    lines = log_since(stack, mark).splitlines()
    assert any('[nginx]' in line and "/platforms/instagram" in line
               and ("pages-0.sock" in line or "pages-b-0.sock" in line) for line in lines)
    assert any('[nginx]' in line and "/api/v1/letters/iwf" in line and "letters-0.sock" in line
               for line in lines)


def test_packs_go_to_their_own_pool_from_the_api_and_the_plan_page(stack):
    mark = len(stack.logs)
    made = letter(stack.url, new_visitor(), kind="pack")
    assert made.status == 200 and made.body.startswith(b"%PDF")
    case = urllib.parse.quote(json.dumps(a_letter_case()))
    web = fetch(stack.url, "POST", "/letters/pack", f"letter=pack/&case={case}".encode(),
                {"Content-Type": "application/x-www-form-urlencoded"}, source=new_visitor())
    # No CSRF token here: the pack pool's app answers the "timed out" page, not nginx (400, as
    # the form holds no earlier answers of the visitor's own).
    assert web.status == 400 and b"timed out" in web.body
    time.sleep(0.3)
    lines = log_since(stack, mark).splitlines()
    for path in ("/api/v1/letters/pack", "/letters/pack"):
        assert any('[nginx]' in line and f'"POST {path}"' in line and "packs-0.sock" in line
                   for line in lines), path


@pytest.mark.parametrize("path", ["/", "/static/css/site.css", "/api/v1/platforms"])
def test_text_is_compressed(stack, path):
    answer = fetch(stack.url, path=path, headers={"Accept-Encoding": "gzip"},
                   source=new_visitor())
    assert answer.status == 200
    assert answer.headers.get("content-encoding") == "gzip"
    assert len(gzip.decompress(answer.body)) > len(answer.body)


def test_the_app_sees_the_visitor_address_and_the_security_headers_come_through(stack):
    answer = page(stack.url, new_visitor())
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "server" not in answer.headers or "nginx/" not in answer.headers["server"]


def test_a_host_the_operator_did_not_set_is_refused(stack):
    answer = fetch(stack.url, path="/case//start", headers={"Host": "evil.example"})
    assert answer.status == 400 and b"evil" not in answer.body and "location" not in answer.headers


# --- bad requests ------------------------------------------------------------------------


POSTS = ["/case/start", "/case/plan", "/case/change", "/case/save", "/case/open",
         "/letters/download", "/letters/pack", "/api/v1/plan", "/api/v1/identify",
         "/api/v1/letters/pack"]


def chunked(path: str, chunk_size: bytes) -> bytes:
    kind = b"application/json" if path.startswith("/api/") else b"application/x-www-form-urlencoded"
    return (b"POST " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + kind
            + b"\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunk_size
            + b"\r\nabc\r\n0\r\n\r\n")


@pytest.mark.parametrize("path", POSTS)
def test_a_malformed_chunked_body_is_a_400_through_nginx(stack, path):
    assert status_of(raw(stack.url, chunked(path, b"zz"))) == 400


@pytest.mark.parametrize("path", POSTS)
def test_a_malformed_chunked_body_is_a_400_from_the_app_itself(stack, path):
    """Straight to a pool's socket, as if nginx were not there: the app answers 400."""
    pool = "letters" if "letters" in path else "pages"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(15)
        sock.connect(str(stack.pool_socket(0, pool)))
        sock.sendall(chunked(path, b"zz"))
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert status_of(answer) == 400, answer[:300]


METHODS = st.sampled_from([b"GET", b"POST", b"HEAD", b"PUT", b"OPTIONS", b"G\x00T", b""])
PATHS = st.sampled_from([b"/", b"/case/plan", b"/letters/download", b"/api/v1/plan",
                         b"/api/v1/letters/pack", b"/static/css/site.css", b"/%zz", b"/\xff",
                         b"*", b"http://evil.example/", b"/case/start?q=\x01"])
HEADER_LINES = st.lists(st.one_of(
    st.sampled_from([b"Host: 127.0.0.1", b"Host:", b"Host: evil.example", b"Host: a\x00b",
                     b"Transfer-Encoding: chunked", b"Transfer-Encoding: gzip, chunked",
                     b"Content-Length: 5", b"Content-Length: -1", b"Content-Length: 99999999999",
                     b"Content-Length: 3, 4", b"Content-Type: application/json",
                     b"Content-Type: application/x-www-form-urlencoded",
                     b"Content-Type: multipart/form-data; boundary=x", b"Expect: 100-continue",
                     b"Connection: close", b"X-Forwarded-For: 1.2.3.4", b" folded", b"NoColon",
                     b"Accept: application/json"]),
    st.binary(max_size=40).map(lambda b: b"X-Fuzz: " + b.replace(b"\r", b"").replace(b"\n", b""))),
    max_size=6)
BODIES = st.one_of(st.sampled_from([b"", b"zz\r\nabc\r\n0\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n",
                                    b"3\r\nab", b"{\"url\": \"x\"}", b"case=%ZZ&kind=pack",
                                    b"ffffffffffffffff\r\n"]), st.binary(max_size=200))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(method=METHODS, path=PATHS, version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/9",
                                                          b"HTTP/1.1 x", b""]),
       headers=HEADER_LINES, body=BODIES)
def test_raw_http_framing_never_gets_a_server_error(stack, method, path, version, headers, body):
    request = b" ".join(part for part in (method, path, version) if part) + b"\r\n"
    request += b"".join(line + b"\r\n" for line in headers) + b"\r\n" + body
    answer = raw(stack.url, request, timeout=12)
    status = status_of(answer)
    # nginx may close a connection it cannot make sense of without answering. Never a 5xx but
    # the busy page (a letter turned away) and nginx's own answers to what HTTP/1.1 lets it
    # refuse that way: 501 (a transfer coding it does not do) and 505 (an unknown version).
    assert status is None or status < 500 or status in (501, 503, 505), answer[:400]
    if status in (501, 505):
        assert b"Server: nginx" in answer  # nginx answered it, the app never saw it
    assert b"Traceback" not in answer


# --- slow clients ------------------------------------------------------------------------


def test_fifty_slow_clients_do_not_slow_the_pages(stack):
    trickling = []
    try:
        for _ in range(50):
            sock = socket.create_connection(("127.0.0.1", stack.port), timeout=5)
            sock.sendall(b"POST /case/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n")
            trickling.append(sock)
        times = []
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            for sock in trickling:
                try:
                    sock.send(b"X")  # one byte more of a header that never ends
                except OSError:
                    pass
            answer = page(stack.url, new_visitor(), timeout=10)
            assert answer.status == 200
            times.append(answer.seconds)
            time.sleep(0.05)  # a page and a byte from each every 50 ms: slow, and no busy loop
        assert max(times) < 1.0, times
    finally:
        for sock in trickling:
            sock.close()


# --- a flood of letters -----------------------------------------------------------------


def test_a_flood_of_letters_is_served_or_turned_away_within_the_bounded_wait(stack):
    started = time.monotonic()
    answers = at_once(30, lambda i: letter(stack.url, new_visitor(), kind="pack", timeout=60))
    elapsed = time.monotonic() - started
    statuses = [a.status if hasattr(a, "status") else repr(a) for a in answers]
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 2 and statuses.count(503) >= 1, statuses
    assert elapsed < serve.LETTER_WAIT + 10
    for answer in answers:
        if answer.status == 503:
            assert answer.headers["retry-after"] == str(serve.RETRY_AFTER)
            assert answer.headers["content-type"].startswith("application/json")
            assert "try again" in answer.json()["message"]
            assert answer.headers["cache-control"] == "no-store"


def test_the_busy_page_is_a_friendly_html_page_for_a_browser(stack):
    case = json.dumps(a_case())

    def download(i):
        return fetch(stack.url, "POST", "/letters/pack",
                     f"kind=pack&case={case}".encode(),
                     {"Content-Type": "application/x-www-form-urlencoded",
                      "Accept": "text/html"}, source=new_visitor())

    answers = at_once(30, download)
    busy = [a for a in answers if getattr(a, "status", None) == 503]
    assert busy, [getattr(a, "status", a) for a in answers]
    for answer in busy:
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["retry-after"] == str(serve.RETRY_AFTER)
        assert b"We are very busy" in answer.body and b"Nothing has been kept" in answer.body


def test_nothing_is_written_to_disk_for_a_request_or_a_letter(stack):
    big = json.dumps(a_case(requester={"address": "x" * 200_000}))
    fetch(stack.url, "POST", "/api/v1/plan", big.encode(), {"Content-Type": "application/json"},
          source=new_visitor())
    assert letter(stack.url, new_visitor(), kind="pack").status in (200, 503)
    for directory in ("client_body", "proxy"):
        path = stack.run / directory
        assert not path.exists() or not any(path.rglob("*")), list(path.rglob("*"))


# --- limits -----------------------------------------------------------------------------


def test_a_visitor_gets_one_allowance_whichever_worker_answers(stack):
    visitor = new_visitor()
    statuses = [fetch(stack.url, path="/api/v1/platforms", source=visitor).status
                for _ in range(API_LIMIT + 5)]
    assert statuses == [200] * API_LIMIT + [429] * 5


def test_letters_from_the_api_and_the_web_share_the_letter_limit(stack):
    """One count of work: a pack from the web (refused for its missing token, but laid out
    and counted) and one from the API spend the whole limit; then even an IWF record waits."""
    visitor = new_visitor()
    case = urllib.parse.quote(json.dumps(a_letter_case()))
    web = fetch(stack.url, "POST", "/letters/pack", f"kind=pack&case={case}".encode(),
                {"Content-Type": "application/x-www-form-urlencoded"}, source=visitor).status
    api = letter(stack.url, visitor, kind="pack").status
    assert [web, api] == [400, 200]  # the web's: the "timed out" page
    assert letter(stack.url, visitor).status == 429
    assert fetch(stack.url, "POST", "/letters/pack", f"kind=pack&case={case}".encode(),
                 {"Content-Type": "application/x-www-form-urlencoded"}, source=visitor
                 ).status == 429


def test_redis_going_away_fails_no_request_and_is_logged(stack):
    mark = len(stack.logs)
    stack.stop_redis()
    try:
        visitor = new_visitor()
        assert fetch(stack.url, path="/api/v1/platforms", source=visitor).status == 200
        assert letter(stack.url, visitor).status == 200
        assert page(stack.url, visitor).status == 200
        # Counting goes on in memory meanwhile: the limit still holds in each worker.
        statuses = [fetch(stack.url, path="/api/v1/platforms", source=visitor).status
                    for _ in range(3 * API_LIMIT)]
        assert set(statuses) == {200, 429}
        time.sleep(0.3)
        assert "falling back to in-memory storage" in log_since(stack, mark)
    finally:
        stack.start_redis()
    later = new_visitor()
    assert all(fetch(stack.url, path="/api/v1/platforms", source=later).status == 200
               for _ in range(3))


# --- a letter worker killed mid-render ------------------------------------------------------


def test_a_letter_worker_killed_mid_render_costs_no_page_and_letters_recover(stack):
    """Two packs at once keep both workers of the pack pool (letter workers on a socket of
    their own) rendering; one is killed once it has spent CPU on its pack. Its pack gets the
    busy page, every page is served, and the pool renders again."""
    workers = stack.worker_pids(0, "packs")
    idle = serve.process_table()[workers[0]][1]  # CPU ticks

    def run(i):
        if i == 0:
            deadline = time.monotonic() + 30
            while (serve.process_table()[workers[0]][1] < idle + 10
                   and time.monotonic() < deadline):
                time.sleep(0.02)  # until it has rendered for 0.1 s of CPU
            os.kill(workers[0], signal.SIGKILL)
            return None
        if i <= 2:
            return letter(stack.url, new_visitor(), kind="pack")
        return [page(stack.url, new_visitor()).status for _ in range(5)]

    answers = at_once(6, run)
    assert all(status == 200 for pages in answers[3:] for status in pages)
    packs = [a.status for a in answers[1:3]]
    assert 503 in packs and set(packs) <= {200, 503}  # the killed one's: the busy page
    deadline = time.monotonic() + 10
    while True:
        answer = letter(stack.url, new_visitor(), kind="pack")
        if answer.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert answer.status == 200
    assert time.monotonic() <= deadline
    assert workers[0] not in stack.worker_pids(0, "packs")


# --- make serve starts and stops ---------------------------------------------------------


# Its own stack, not the module's; in the module's group only so that it starts early in the
# run (a group goes before single tests), not in the last minute.
@pytest.mark.xdist_group("tests/test_serving.py")
def test_make_serve_starts_everything_and_ctrl_c_leaves_nothing():
    port = serve.free_port()
    process = subprocess.Popen([sys.executable, "-m", "deploy.serve", "--port", str(port),
                                "--page-workers", "2", "--letter-workers", "1"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    run_dir = None
    try:
        for line in process.stdout:
            if "Ctrl-C stops everything" in line:
                run_dir = Path(line.split("run directory ")[1].split(". Ctrl-C")[0])
                break
        assert run_dir is not None and run_dir.is_dir()
        assert page(f"http://127.0.0.1:{port}").status == 200
        assert letter(f"http://127.0.0.1:{port}").status == 200
        children = serve.descendants(process.pid)
        names = {Path(f"/proc/{pid}/comm").read_text().strip() for pid in children}
        assert "nginx" in names and any(name.startswith("redis") for name in names)
        assert sum("gunicorn" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
                   for pid in children) == 8  # four pools' masters and their workers
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert "stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
    deadline = time.monotonic() + 0.5  # the half second it has always had
    while [pid for pid in children if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in children if alive(pid)]
    assert not run_dir.exists()
    assert not (Path.home() / ".gunicorn").exists() or not any((Path.home() / ".gunicorn").iterdir())


def test_no_log_line_of_any_process_carries_a_query_string(stack):
    mark = len(stack.logs)
    fetch(stack.url, path="/platforms/instagram?name=Quillon+Vantablack", source=new_visitor())
    raw(stack.url, b"GET /x?email=quillon@secret.example HTTP/1.1 x\r\n\r\n")
    raw(stack.url, chunked("/case/plan?person=Quillon", b"zz"))
    time.sleep(0.5)
    lines = log_since(stack, mark)
    assert "\"GET /platforms/instagram\" 200" in lines  # nginx logs the path alone
    assert "Quillon" not in lines and "quillon" not in lines


def test_everything_lives_in_one_private_run_directory(stack):
    assert stack.run.stat().st_mode & 0o777 == 0o700
    assert str(stack.run) in (stack.run / "nginx.conf").read_text()
    assert {path.name for path in stack.run.iterdir()} >= {
        "nginx.conf", "nginx.pid", "redis.sock", "pages-0.sock", "letters-0.sock", "packs-0.sock", "errors"}


def test_one_client_address_holds_at_most_its_share_of_connections(stack):
    visitor = new_visitor()
    held = []
    try:
        for _ in range(serve.CONN_PER_CLIENT):
            sock = socket.create_connection(("127.0.0.1", stack.port), timeout=10,
                                            source_address=(visitor, 0))
            # Headers read, body awaited: the request counts against the visitor's connections.
            sock.sendall(b"POST /case/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n")
            held.append(sock)
        time.sleep(0.5)
        refused = fetch(stack.url, path="/", source=visitor)
        assert refused.status == 429 and refused.headers["retry-after"] == str(serve.RETRY_AFTER)
        # The app's own calm page, not nginx's bare one.
        assert b"a lot of requests" in refused.body and b"nginx" not in refused.body
        api = fetch(stack.url, path="/api/v1/platforms", source=visitor)
        assert api.status == 429 and api.json()["error"] == "Too Many Requests"
        assert fetch(stack.url, path="/", source=new_visitor()).status == 200
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.5)
    assert fetch(stack.url, path="/", source=visitor).status == 200


@pytest.mark.parametrize("size", [300 * 1024, 1024 * 1024 + 1])
@pytest.mark.parametrize("path, kind", [("/case/plan", "text/html"),
                                        ("/letters/download", "text/html"),
                                        ("/api/v1/plan", "application/json")])
def test_a_body_over_the_app_s_limit_gets_the_app_s_own_413(stack, path, kind, size):
    """nginx's limit is the app's (256 KB): any larger body gets the calm page, never a 502."""
    answer = fetch(stack.url, "POST", path, b"x" * size,
                   {"Content-Type": "application/x-www-form-urlencoded"}, source=new_visitor())
    assert answer.status == 413 and answer.headers["content-type"].startswith(kind)
    assert b"nginx" not in answer.body and "retry-after" not in answer.headers
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_behind_https_nginx_own_pages_carry_hsts_too():
    stack = serve.Stack(env={"TAKEDOWN_HTTPS": "true"})
    text = stack.nginx_conf()
    stack.stop()
    # Every answer nginx makes itself: the server's, and its own pages' (HTML and JSON each).
    assert text.count("internal;") == 2
    assert text.count("add_header Strict-Transport-Security $own_strict_transport_security "
                      "always;") == 3
    assert '"" "max-age=31536000";' in text
    assert "X-Forwarded-Proto https" in text
    plain = serve.Stack()
    text = plain.nginx_conf()
    plain.stop()
    assert "Strict-Transport-Security" not in text


def test_letters_give_way_to_pages_for_the_cpu(stack):
    def nice(pid):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])

    letters = [nice(pid) for pid in stack.worker_pids(0, "letters")]
    pages = [nice(pid) for pid in stack.worker_pids(0, "pages")]
    packs = [nice(pid) for pid in stack.worker_pids(0, "packs")]
    assert letters and pages and packs
    assert min(letters) - max(pages) == serve.LETTER_NICE == 10
    assert min(packs) - max(letters) == serve.PACK_NICE - serve.LETTER_NICE == 5


def test_a_path_cannot_forge_a_log_line_or_reach_a_terminal(stack):
    mark = len(stack.logs)
    # gunicorn logs the percent-decoded path: CR LF would start a line of the attacker's, and
    # ESC a terminal escape sequence.
    for path in ("/platforms/x%0d%0a[pages-0]%20forged", "/platforms/y%1b%5b2J%c2%9b31m",
                 "/platforms/z%e2%80%a8forged"):
        assert fetch(stack.url, path=path, source=new_visitor()).status == 404
    time.sleep(0.5)
    lines = stack.logs[mark:]
    assert not any(line.startswith("[pages-0] forged") or line.startswith("forged")
                   for line in lines), lines
    assert not any(ch in line for line in lines for ch in "\x1b\x9b\r\u2028"), lines
    for name in ("platforms/x", "platforms/y", "platforms/z"):
        assert any("[pages" in line and name in line for line in lines), (name, lines)


# --- nginx killed, last: the stack heals --------------------------------------------------


def new_master(stack, old: int, seconds: float = 10) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pid = stack.pid("nginx")
        if pid not in (0, old) and stack.control("getProcessInfo", "nginx")["statename"] \
                == "RUNNING":
            return pid
        time.sleep(0.05)
    raise AssertionError(f"no new nginx master within {seconds} s")


def test_nginx_killed_twice_under_load_loses_no_page(stack):
    """nginx killed (SIGKILL) under load loses nothing it had not taken in: its worker
    finishes what it holds, and the new master takes over the same listening sockets, so no
    connection is refused or reset while supervisord starts it again (deploy/launch.py)."""
    mark = len(stack.logs)
    with Prober(stack.port, gap=0.005) as pages:
        time.sleep(0.5)
        for _ in range(2):
            old = stack.pid("nginx")
            os.kill(old, signal.SIGKILL)
            new_master(stack, old)
            time.sleep(1)
    failed = [answer for answer in pages.results if answer[0] != 200]
    assert len(pages.results) > 100
    assert not failed, failed[:5]
    handed = [line for line in stack.logs[mark:] if "using inherited sockets" in line]
    assert len(handed) == 2, "\n".join(stack.logs[mark:][-20:])
    # The old worker goes once it has answered what it held (within a second, as before):
    # one master, with one worker.
    master = stack.pid("nginx")
    deadline = time.monotonic() + 1
    while True:
        table = serve.process_table()
        masters = [pid for pid, (parent, _) in table.items()
                   if parent == stack.supervisor.pid and name(pid) == "nginx"]
        workers = [pid for pid, (parent, _) in table.items() if parent == master]
        if (masters == [master] and len(workers) == 1) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert masters == [master]
    assert len(workers) == 1


def name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""
