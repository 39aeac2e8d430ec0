"""`make load`'s attack stages (issue 26), each bounded in time and count, on loopback only.

* hold: one client, under the limits, asks for the costliest letters it can (records of a
  206 KB case, packs of a case of 20 places with overdue reports) while four families ask for
  platform letters: theirs must come back in under 5 s (p95), none refused.
* headers: one address opens thousands of sockets that never finish their headers, while
  pages are asked for: p95 under 200 ms, at least 99 % served.
* kills: a letter worker, Redis, each pool's master and nginx are killed in turn (SIGKILL),
  then Redis is stopped for 10 s, while pages, letters and packs are asked for: no page lost,
  letters and packs back within 10 s of each kill, letters served while Redis is stopped.
* text: 28 text versions of packs at once, while pages are asked for: page p95 under 200 ms.
* progress: eight clients post a 206 KB case to the progress page as fast as they may, while
  pages are asked for: page p95 under 200 ms.

Each source address is its own visitor (Linux routes all of 127.0.0.0/8 to loopback);
127.0.0.1 is make load's own load generator, which the stack leaves unlimited.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

from bench.clients import HOST, Prober, letter, percentile, request

ATTACKER = "127.0.7.1"
FAMILIES = tuple(f"127.0.6.{n}" for n in range(1, 5))
VISITOR = "127.0.6.9"  # a page reader subject to every cap, like anyone
HEADER_FLOODER = "127.0.8.1"
PROGRESS_FLOODER = "127.0.9.1"

HOLD_SECONDS = 45
FAMILY_GAP = 2.0
HEADER_SECONDS, HEADER_SOCKETS, FLOOD_THREADS = 16, 4000, 4
KILL_GAP = 8
REDIS_DOWN_SECONDS = 10
TEXT_PACKS = 28
PROGRESS_CLIENTS, PROGRESS_SECONDS = 8, 15

# The targets (issue 26).
HOLD_LETTER_P95_S = 5
HEADER_PAGE_P95_MS, HEADER_SERVED = 200, 0.99
RECOVERY_S = 10
TEXT_PAGE_P95_MS = 200
PROGRESS_PAGE_P95_MS = 200


# --- cases ---------------------------------------------------------------------------

SLUGS = ("instagram", "tiktok", "snapchat", "facebook", "youtube", "reddit", "discord",
         "telegram", "x", "whatsapp")


def _case(places: int, reports: int, text: int, hours_ago: int) -> dict:
    """A valid case of ``places`` places, each with ``reports`` reports logged, the first
    ``hours_ago`` hours ago, each report's reference and note ``text`` characters long."""
    first = datetime.now(UTC) - timedelta(hours=hours_ago)
    locations = []
    for i in range(places):
        logged = [{"channel": "in-app", "at": (first + timedelta(minutes=j)).isoformat(
            timespec="seconds"), "reference": f"R{i}-{j}-" + "x" * text,
            "outcome": "waiting", "note": "n" * text} if text else
            {"channel": "in-app", "at": (first + timedelta(minutes=j)).isoformat(
                timespec="seconds")} for j in range(reports)]
        place = {"platform": SLUGS[i % len(SLUGS)], "account": f"@account{i}",
                 "reports": logged}
        if text:
            place["description"] = "d" * 200
        locations.append(place)
    return {"schema": "takedown-case/2", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
            "requester": {"role": "parent", "name": "Sam Carter", "email": "sam@example.com",
                          "address": "1 Road\nTown"},
            "person": {"under_18": True, "age": 14, "name": "Alex", "school": "Hill School"},
            "concerns": {"threats": True}, "locations": locations}


def big_case() -> bytes:
    """The largest valid case: 20 places, 30 reports each, long references and notes
    (about 206 KB)."""
    return json.dumps(_case(20, 30, 118, hours_ago=200)).encode()


def overdue_case() -> bytes:
    """20 places with 5 overdue reports each (about 11.5 KB): a pack of every letter."""
    return json.dumps(_case(20, 5, 0, hours_ago=100)).encode()


# --- hold ------------------------------------------------------------------------------


def stage_hold(port: int) -> dict:
    big, overdue = big_case(), overdue_case()
    stop = threading.Event()
    attacker: list[int | str] = []
    families: list[tuple[int | str, float]] = []

    def attack(kind: str, case: bytes):
        while not stop.is_set():
            status, _ = letter(port, kind, source=ATTACKER, case=case, timeout=40)
            attacker.append(status)
            if status == 429:
                stop.wait(2)  # refused for now: try again shortly, as a script would

    def family(source: str):
        while not stop.is_set():
            families.append(letter(port, source=source, timeout=40))
            stop.wait(FAMILY_GAP)

    threads = [threading.Thread(target=attack, args=args, daemon=True)
               for args in (("record", big), ("record", big), ("pack", overdue),
                            ("pack", overdue))]
    threads += [threading.Thread(target=family, args=(source,), daemon=True)
                for source in FAMILIES]
    for thread in threads[:4]:
        thread.start()
    time.sleep(2)  # the attack is under way before the families ask
    for thread in threads[4:]:
        thread.start()
    time.sleep(HOLD_SECONDS)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    times = sorted(seconds for _, seconds in families)
    return {"p95": percentile(times, 95), "families": len(families),
            "refused": sum(1 for status, _ in families if status != 200),
            "attacker": {str(s): attacker.count(s) for s in sorted(set(attacker), key=str)}}


# --- headers --------------------------------------------------------------------------


def stage_headers(port: int) -> dict:
    stop = threading.Event()
    held: list[socket.socket] = []
    opened = {"count": 0, "refused": 0}

    lock = threading.Lock()

    def flood():
        while not stop.is_set():
            with lock:
                if opened["count"] >= HEADER_SOCKETS:
                    return
                opened["count"] += 1
            try:
                sock = socket.create_connection((HOST, port), timeout=2,
                                                source_address=(HEADER_FLOODER, 0))
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Never-Ends: ")
                with lock:
                    held.append(sock)
            except OSError:
                with lock:
                    opened["refused"] += 1
            # About HEADER_SOCKETS over three quarters of the stage, from four threads.
            time.sleep(HEADER_SECONDS * 0.75 * FLOOD_THREADS / HEADER_SOCKETS)

    flooders = [threading.Thread(target=flood, daemon=True) for _ in range(FLOOD_THREADS)]
    with Prober(port) as ours, Prober(port, source=VISITOR, gap=0.1) as visitor:
        for flooder in flooders:
            flooder.start()
        time.sleep(HEADER_SECONDS)
        stop.set()
        for flooder in flooders:
            flooder.join(timeout=30)
    for sock in held:
        sock.close()
    results = ours.results + visitor.results
    failed = sum(1 for status, _ in results if status != 200)
    return {"p95": percentile(sorted(s for _, s in results), 95) * 1000,
            "served": 1 - failed / max(1, len(results)), "pages": len(results),
            "failed": failed, "sockets": opened["count"], "refused": opened["refused"]}


# --- kills ------------------------------------------------------------------------------


def stage_kills(stack) -> dict:
    port = stack.port
    made: list[tuple[str, float, int | str]] = []
    stop = threading.Event()

    def keep_making(kind: str):
        while not stop.is_set():
            status, _ = letter(port, kind)
            made.append((kind, time.monotonic(), status))
            if status != 200:
                stop.wait(0.2)

    makers = [threading.Thread(target=keep_making, args=(kind,), daemon=True)
              for kind in ("platform", "platform", "pack")]
    kills: list[tuple[str, float]] = []
    with Prober(port) as pages:
        for maker in makers:
            maker.start()
        time.sleep(2)
        for name in ("letter worker", "redis", "pages-0", "pages-b-0", "letters-0", "packs-0",
                     "nginx"):
            pid = (stack.worker_pids(0, "letters")[0] if name == "letter worker"
                   else stack.pid(name))
            kills.append((name, time.monotonic()))
            os.kill(pid, signal.SIGKILL)
            time.sleep(KILL_GAP)
        stack.stop_redis()
        redis_stopped = time.monotonic()
        time.sleep(REDIS_DOWN_SECONDS)
        stack.start_redis()
        time.sleep(2)
        stop.set()
        for maker in makers:
            maker.join(timeout=60)
    recovery = {}
    for name, at in kills:
        kind = "pack" if name == "packs-0" else "platform"
        if name in ("letter worker", "letters-0", "packs-0"):
            served = [t for k, t, status in made if k == kind and t > at and status == 200]
            recovery[name] = served[0] - at if served else None
    during_redis = [status for kind, t, status in made
                    if kind == "platform" and redis_stopped < t < redis_stopped
                    + REDIS_DOWN_SECONDS]
    return {"pages": len(pages.results), "page_failed": pages.failed(), "recovery": recovery,
            "page_failures": sorted({str(status) for status, _ in pages.results
                                     if status != 200}),
            "during_redis": during_redis,
            "errors": sum(1 for _, _, status in made if status not in (200, 503))}


# --- text versions and the progress page -------------------------------------------------


def stage_text(port: int) -> dict:
    overdue = overdue_case()
    results: list = [None] * TEXT_PACKS
    barrier = threading.Barrier(TEXT_PACKS)

    def one(i):
        barrier.wait()
        results[i] = letter(port, "pack", case=overdue, accept="text/plain", timeout=60)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(TEXT_PACKS)]
    with Prober(port, source=VISITOR) as pages:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
    statuses = [r[0] if r else "no answer" for r in results]
    return {"p95": pages.p95_ms(), "failed": pages.failed(), "pages": len(pages.results),
            "texts": {str(s): statuses.count(s) for s in sorted(set(statuses), key=str)}}


_TOKEN = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|'
                    rb'name="csrf_token" value="([^"]+)"')


def _session(port: int, source: str) -> tuple[str, str]:
    """A page from the site, as a browser gets one: its session cookie and form token."""
    import http.client

    connection = http.client.HTTPConnection(HOST, port, timeout=30,
                                            source_address=(source, 0))
    try:
        connection.request("GET", "/case/start")
        response = connection.getresponse()
        body = response.read()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    finally:
        connection.close()
    match = _TOKEN.search(body)
    return cookie, (match[1] or match[2]).decode() if match else ""


def _multipart(fields: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "takedownloadtestboundary"
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
             .encode() + value + b"\r\n" for name, value in fields.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def stage_progress(port: int) -> dict:
    big = big_case()
    stop = threading.Event()
    answers: list[int | str] = []

    def flood():
        cookie, token = _session(port, PROGRESS_FLOODER)
        body, kind = _multipart({"csrf_token": token.encode(), "case": big})
        while not stop.is_set():
            status, _ = request(port, "POST", "/case/progress", body,
                                {"Content-Type": kind, "Cookie": cookie}, timeout=30,
                                source=PROGRESS_FLOODER)
            answers.append(status)

    threads = [threading.Thread(target=flood, daemon=True) for _ in range(PROGRESS_CLIENTS)]
    with Prober(port) as pages:
        for thread in threads:
            thread.start()
        time.sleep(PROGRESS_SECONDS)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    return {"p95": pages.p95_ms(), "failed": pages.failed(), "pages": len(pages.results),
            "answers": {str(s): answers.count(s) for s in sorted(set(answers), key=str)}}


def check_all(check, stack) -> None:
    """Run every attack stage and record each target with check(stage, target, figure, ok)."""
    port = stack.port
    print("load: hold ...", flush=True)
    hold = stage_hold(port)
    check("hold", f"other families' letters p95 < {HOLD_LETTER_P95_S} s, none refused, while "
          "one client asks for the costliest letters under the limits",
          f"{hold['p95']:.1f} s over {hold['families']}, {hold['refused']} refused; "
          f"the client's answers {hold['attacker']}",
          hold["p95"] < HOLD_LETTER_P95_S and hold["refused"] == 0 and hold["families"] > 0)

    print("load: headers ...", flush=True)
    headers = stage_headers(port)
    check("headers", f"{HEADER_SOCKETS} sockets from one address that never finish their "
          f"headers: page p95 < {HEADER_PAGE_P95_MS} ms, >= {HEADER_SERVED:.0%} served",
          f"{headers['p95']:.0f} ms, {headers['served']:.1%} of {headers['pages']} served "
          f"({headers['sockets']} sockets tried, {headers['refused']} refused at connect)",
          headers["p95"] < HEADER_PAGE_P95_MS and headers["served"] >= HEADER_SERVED)

    print("load: kills ...", flush=True)
    kills = stage_kills(stack)
    check("kills", "no page lost (a letter worker, Redis, each pool and nginx killed in turn, "
          "then Redis stopped 10 s)", f"{kills['page_failed']} of {kills['pages']} failed"
          + (f" ({', '.join(kills['page_failures'])})" if kills["page_failures"] else ""),
          kills["page_failed"] == 0)
    recovery = kills["recovery"]
    check("kills", f"letters and packs back within {RECOVERY_S} s of each kill",
          ", ".join(f"{name} {seconds:.1f} s" if seconds is not None else f"{name} never"
                    for name, seconds in recovery.items()),
          all(s is not None and s <= RECOVERY_S for s in recovery.values()))
    during = kills["during_redis"]
    check("kills", "letters while Redis is stopped",
          f"{during.count(200)} of {len(during)} served, {kills['errors']} errors overall",
          bool(during) and set(during) <= {200} and kills["errors"] == 0)

    print("load: text versions ...", flush=True)
    text = stage_text(port)
    check("text", f"{TEXT_PACKS} text versions of packs at once: page p95 < "
          f"{TEXT_PAGE_P95_MS} ms", f"{text['p95']:.0f} ms, {text['failed']} of "
          f"{text['pages']} failed; the texts {text['texts']}",
          text["p95"] < TEXT_PAGE_P95_MS and text["failed"] == 0)

    print("load: progress ...", flush=True)
    progress = stage_progress(port)
    check("progress", f"{PROGRESS_CLIENTS} clients posting a 206 KB case to the progress page: "
          f"page p95 < {PROGRESS_PAGE_P95_MS} ms", f"{progress['p95']:.0f} ms, "
          f"{progress['failed']} of {progress['pages']} failed; their answers "
          f"{progress['answers']}",
          progress["p95"] < PROGRESS_PAGE_P95_MS and progress["failed"] == 0)

