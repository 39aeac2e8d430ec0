"""`make load`: what a surge and an attack do to the production shape (`make serve`).

Run with the app's virtualenv: `.venv/bin/python bench/load.py`. It makes .venv-load with
the pinned locust (once), starts the `make serve` stack (deploy/serve.py: nginx, the page,
letter and pack pools, Redis, under supervisord) on a free port on 127.0.0.1, leaving
127.0.0.1 (every simulated visitor of locust and of the plain clients) unlimited; every
other loopback address meets the production limits. Then it runs ten stages, each bounded
in time and count:

1. mixed: 50 locust users for 60 s (guides, plans, letters, packs);
2. surge: 150 locust users for 25 s;
3. ratio: a trivial route's p95 with nothing else running, and a guide page's p95 while 10
   clients ask for letters back to back, turn about in five rounds (1 s quiet, 3 s of
   letters), so that whatever else the machine is doing meets both;
4. flood: 100 letter requests at once, while pages are asked for;
5. slow: 50 clients trickling a request for 30 s, while pages are asked for;
6-10. the attacks of issue 26 (bench/attacks.py): a client holding the letter pools under
   the limits, a partial-header flood from one address, each part of the stack killed in
   turn, text versions of packs at once, and a flood of the progress page.

It prints a table with PASS/FAIL per target (issues 15 and 26) and exits 0 if all pass, 1 if
one fails, 2 if the run itself failed. Traffic goes only to the stack this script starts.
One run takes about 5.5 minutes. Not part of `make test`.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import attacks  # noqa: E402 - after the path is set
from bench.clients import HOST, PAGE, Clients, Prober, all_at_once, letter, percentile  # noqa: E402
from deploy import serve  # noqa: E402

BENCH = ROOT / "bench"
LOAD_VENV = ROOT / ".venv-load"
REQUIREMENTS = ROOT / "requirements-load.txt"
LOCUSTFILE = BENCH / "locustfile.py"

MIXED_USERS, MIXED_SECONDS = 50, 60
SURGE_USERS, SURGE_SECONDS = 150, 25
RATIO_CLIENTS, RATIO_ROUNDS, RATIO_QUIET_S, RATIO_SURGE_S = 10, 5, 1.0, 3.0
FLOOD_LETTERS = 100
SLOW_CLIENTS, SLOW_SECONDS = 50, 30

# The targets (issue 15).
MIXED_PAGE_P95_MS = 50
MIXED_LETTER_P95_MS = 2000
SURGE_PAGE_P95_MS = 200
SURGE_MAX_WAIT_MS = 30_000
RATIO_MAX = 5
FLOOD_PAGE_P95_MS = 200
FLOOD_MAX_WAIT_S = serve.LETTER_WAIT + 2
SLOW_PAGE_P95_MS = 200

TRIVIAL = "/healthz"


def say(text: str = "") -> None:
    print(text, flush=True)


# --- locust -------------------------------------------------------------------------


def ensure_load_venv() -> Path:
    """Create .venv-load with the pinned locust, unless it is there and up to date."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = LOAD_VENV / ".installed"
    locust = LOAD_VENV / "bin" / "locust"
    if locust.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return locust
    say(f"load: installing locust into {LOAD_VENV.name} from {REQUIREMENTS.name} ...")
    base = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base, "-m", "venv", "--clear", str(LOAD_VENV)], check=True)
    pip = [str(LOAD_VENV / "bin" / "python"), "-m", "pip", "install", "-q",
           "--disable-pip-version-check"]
    subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
    stamp.write_text(digest + "\n")
    return locust


def platforms_json() -> str:
    from takedown import platforms

    entries = []
    for platform in platforms.all_platforms():
        url = None
        for domain in platform.domains:
            candidate = f"https://www.{domain}/p"
            found = platforms.identify(candidate)
            if found and found.slug == platform.slug:
                url = candidate
                break
        entries.append({"slug": platform.slug, "url": url})
    return json.dumps(entries)


def run_locust(locust: Path, name: str, users: int, seconds: int, base: str, workdir: Path,
               directory: str) -> dict:
    assert base.startswith(f"http://{HOST}:"), base  # loopback only
    samples = workdir / f"{name}-samples.json"
    logfile = workdir / f"{name}-locust.log"
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update({"LOAD_PLATFORMS": directory, "LOAD_SAMPLES": str(samples), "NO_PROXY": "*",
                "PYTHONUNBUFFERED": "1"})
    command = [str(locust), "-f", str(LOCUSTFILE), "--headless", "--host", base,
               "-u", str(users), "-r", str(min(users, 50)), "-t", f"{seconds}s",
               "--stop-timeout", "10", "--only-summary", "--exit-code-on-error", "0",
               "--loglevel", "WARNING", "MixedUser"]
    say(f"load: {name}: {users} users for {seconds} s ...")
    with open(logfile, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            process.wait(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise RuntimeError(f"locust ({name}) overran; see {logfile}") from None
    if process.returncode != 0 or not samples.exists():
        raise RuntimeError(f"locust ({name}) failed with status {process.returncode}; "
                           f"see {logfile}")
    return json.loads(samples.read_text())


def group_p95(samples: dict, group: str) -> float:
    return percentile(sorted(samples["samples_ms"].get(group, [])), 95)


def machine_cpu() -> list[int]:
    return [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def busy_share(before: list[int], after: list[int]) -> float:
    delta = [b - a for a, b in zip(before, after, strict=True)]
    return (sum(delta) - delta[3] - delta[4]) / (sum(delta) or 1)


def stack_cpu(stack) -> dict[str, int]:
    """CPU ticks used so far by each part of the stack (pages, letters, nginx, redis),
    each process with all its live descendants (workers, pack workers)."""
    table = serve.process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    used: dict[str, int] = {}
    for name, pid in stack.pids().items():
        part = name.split("-", 1)[0]
        todo, ticks = [pid], 0
        while todo:
            pid = todo.pop()
            ticks += table.get(pid, (0, 0))[1]
            todo.extend(children.get(pid, ()))
        used[part] = used.get(part, 0) + ticks
    return used


def cores_used(before: dict[str, int], after: dict[str, int], seconds: float,
               locust_seconds: float) -> str:
    """Each part's CPU over a stage, in cores (1.0 = one core busy throughout)."""
    hertz = os.sysconf("SC_CLK_TCK")
    parts = {name: (after[name] - before.get(name, 0)) / hertz / seconds for name in after}
    parts["locust"] = locust_seconds / seconds
    return ", ".join(f"{name} {value:.2f}" for name, value in
                     sorted(parts.items(), key=lambda item: -item[1]))


def child_cpu_seconds() -> float:
    """CPU seconds used by this script's finished (waited-for) children, such as locust."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- the stages -------------------------------------------------------------------------


def stage_ratio(port: int) -> dict:
    """The trivial route with nothing else running, and the guide page while RATIO_CLIENTS
    ask for letters back to back, turn about: each round a quiet second, then the letters."""
    surging = threading.Event()
    lock = threading.Lock()
    asking_now = [0]

    def hammer(stop: threading.Event):
        while not stop.is_set():
            if not surging.wait(0.05):
                continue
            with lock:
                if not surging.is_set():
                    continue
                asking_now[0] += 1
            letter(port)
            with lock:
                asking_now[0] -= 1

    trivial: list[tuple] = []
    pages: list[tuple] = []
    with Clients(*[hammer] * RATIO_CLIENTS):
        for _ in range(RATIO_ROUNDS):
            with Prober(port, TRIVIAL) as quiet:
                time.sleep(RATIO_QUIET_S)
            trivial += quiet.results
            surging.set()
            time.sleep(0.5)  # the letters are under way
            with Prober(port, PAGE) as busy:
                time.sleep(RATIO_SURGE_S)
            pages += busy.results
            with lock:
                surging.clear()
            drained = time.monotonic() + 30
            while asking_now[0] and time.monotonic() < drained:
                time.sleep(0.01)

    def p95_ms(results: list[tuple]) -> float:
        return percentile(sorted(seconds for _, seconds, _ in results), 95) * 1000

    return {"trivial_p95": p95_ms(trivial), "page_p95": p95_ms(pages),
            "failed": sum(1 for status, _, _ in trivial + pages if status != 200),
            "n": len(pages), "trivial_n": len(trivial)}


def stage_flood(port: int) -> dict:
    with Prober(port) as pages:
        answers = all_at_once(FLOOD_LETTERS, lambda: letter(port, timeout=60))
    statuses = [status for status, _ in answers]
    return {"served": statuses.count(200), "busy": statuses.count(503),
            "other": [s for s in statuses if s not in (200, 503)],
            "slowest": max(seconds for _, seconds in answers), "page_p95": pages.p95_ms(),
            "page_failed": pages.failed()}


def stage_slow(port: int) -> dict:
    sockets = []
    for _ in range(SLOW_CLIENTS):
        sock = socket.create_connection((HOST, port), timeout=5)
        sock.sendall(b"POST /case/plan HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n")
        sockets.append(sock)
    reopened = 0
    deadline = time.monotonic() + SLOW_SECONDS
    with Prober(port) as pages:
        while time.monotonic() < deadline:
            for index, sock in enumerate(sockets):
                try:
                    sock.send(b"X")
                except OSError:
                    # nginx timed it out (client_header_timeout): another slow client takes its place.
                    sock.close()
                    sockets[index] = socket.create_connection((HOST, port), timeout=5)
                    sockets[index].sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    reopened += 1
            time.sleep(1)
    for sock in sockets:
        sock.close()
    return {"page_p95": pages.p95_ms(), "page_failed": pages.failed(), "reopened": reopened,
            "n": len(pages.results)}


# --- the report -------------------------------------------------------------------------


def main() -> int:
    locust = ensure_load_venv()
    directory = platforms_json()
    workdir = Path(tempfile.mkdtemp(prefix="takedown-load-"))
    cores = os.cpu_count() or 1
    memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    before = machine_cpu()
    time.sleep(2)
    background = busy_share(before, machine_cpu())
    # Every simulated visitor of the load generator is 127.0.0.1: that one address is left
    # unlimited (nginx's connection caps and the app's rate limits), so it stands for many
    # visitors. Every other address, the attack stages' clients among them, meets the
    # production limits and caps.
    stack = serve.Stack(unlimited=(HOST,))
    say(f"load: {cores} cores, {memory:.1f} GiB; background CPU {background * 100:.0f}%; "
        f"logs in {workdir}")
    rows: list[tuple[str, str, bool]] = []

    def check(stage: str, target: str, figure: str, ok: bool) -> None:
        rows.append((stage, f"{target}: {figure}", ok))

    started = time.monotonic()
    mixed_cpu, mixed_busy, rate, mixed_times = "", 0.0, {}, {}
    try:
        stack.start()
        base = stack.url
        say(f"load: stack on {base} ({stack.page_workers} page workers, {stack.letter_workers} "
            f"letter workers, letter queue {stack.letter_queue})")
        cpu_before, locust_before, machine_before = stack_cpu(stack), child_cpu_seconds(), \
            machine_cpu()
        mixed_started = time.monotonic()
        mixed = run_locust(locust, "mixed", MIXED_USERS, MIXED_SECONDS, base, workdir, directory)
        mixed_cpu = cores_used(cpu_before, stack_cpu(stack), time.monotonic() - mixed_started,
                               child_cpu_seconds() - locust_before)
        mixed_busy = busy_share(machine_before, machine_cpu())
        mixed_times = mixed["samples_ms"]
        rate = {group: len(times) / MIXED_SECONDS for group, times in mixed_times.items()}
        errors = sum(mixed["errors"].values())
        refusals = sum(mixed.get("clean_refusals", {}).values())
        check("mixed", "0 errors", f"{errors} errors, {refusals} refusals in "
              f"{mixed['total_requests']} requests", errors == 0 and refusals == 0)
        p95 = group_p95(mixed, "guide")
        check("mixed", f"page p95 < {MIXED_PAGE_P95_MS} ms", f"{p95:.0f} ms",
              p95 < MIXED_PAGE_P95_MS)
        p95 = group_p95(mixed, "letter")
        check("mixed", f"letter p95 < {MIXED_LETTER_P95_MS} ms", f"{p95:.0f} ms",
              p95 < MIXED_LETTER_P95_MS)

        surge = run_locust(locust, "surge", SURGE_USERS, SURGE_SECONDS, base, workdir, directory)
        errors = sum(surge["errors"].values())
        refusals = sum(surge.get("clean_refusals", {}).values())
        check("surge", "0 errors but clean 503/429", f"{errors} errors, {refusals} clean "
              f"refusals in {surge['total_requests']}", errors == 0)
        p95 = group_p95(surge, "guide")
        check("surge", f"page p95 < {SURGE_PAGE_P95_MS} ms", f"{p95:.0f} ms",
              p95 < SURGE_PAGE_P95_MS)
        slowest = max((max(v) for v in surge["samples_ms"].values() if v), default=0)
        check("surge", f"no wait over {SURGE_MAX_WAIT_MS // 1000} s", f"slowest {slowest:.0f} ms",
              slowest <= SURGE_MAX_WAIT_MS)

        say("load: ratio ...")
        ratio = stage_ratio(stack.port)
        value = ratio["page_p95"] / max(ratio["trivial_p95"], 0.001)
        check("ratio", f"page p95 in a {RATIO_CLIENTS}-client letter surge <= {RATIO_MAX}x a "
              "trivial route's with nothing else running, turn about",
              f"{ratio['page_p95']:.1f} ms / {ratio['trivial_p95']:.1f} ms = {value:.1f}x "
              f"({ratio['n']} pages, {ratio['trivial_n']} trivial)",
              value <= RATIO_MAX and ratio["failed"] == 0)

        say("load: flood ...")
        flood = stage_flood(stack.port)
        check("flood", f"{FLOOD_LETTERS} letters at once: served or 503 within "
              f"{FLOOD_MAX_WAIT_S} s", f"{flood['served']} served, {flood['busy']} busy, "
              f"{len(flood['other'])} other, slowest {flood['slowest']:.1f} s",
              not flood["other"] and flood["slowest"] <= FLOOD_MAX_WAIT_S)
        check("flood", f"page p95 < {FLOOD_PAGE_P95_MS} ms", f"{flood['page_p95']:.0f} ms, "
              f"{flood['page_failed']} failed",
              flood["page_p95"] < FLOOD_PAGE_P95_MS and flood["page_failed"] == 0)

        say("load: slow clients ...")
        slow = stage_slow(stack.port)
        check("slow", f"{SLOW_CLIENTS} slow clients for {SLOW_SECONDS} s: page p95 < "
              f"{SLOW_PAGE_P95_MS} ms", f"{slow['page_p95']:.0f} ms over {slow['n']} pages, "
              f"{slow['page_failed']} failed",
              slow["page_p95"] < SLOW_PAGE_P95_MS and slow["page_failed"] == 0)

        attacks.check_all(check, stack)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        say(f"load: FAILED: {error}")
        return 2
    finally:
        (workdir / "stack.log").write_text("\n".join(stack.logs) + "\n", encoding="utf-8")
        stack.stop()

    say(f"\nTakedown load test, {time.strftime('%Y-%m-%d %H:%M %Z')}; {cores} cores, "
        f"{memory:.1f} GiB; background CPU before the run {background * 100:.0f}%; "
        f"{time.monotonic() - started:.0f} s")
    say(f"  {'stage':<9}{'result':<6} target: figure")
    for stage, text, ok in rows:
        say(f"  {stage:<9}{'PASS' if ok else 'FAIL':<6} {text}")
    if mixed_cpu:
        say("\n  mixed: requests a second: " + ", ".join(
            f"{group} {value:.1f}" for group, value in sorted(rate.items())))
        say(f"  mixed: CPU in cores (of {cores}): {mixed_cpu}; whole machine busy "
            f"{mixed_busy * 100:.0f}%")
        say("  mixed: p50 / p95, for information: " + ", ".join(
            f"{group} {percentile(sorted(times), 50):.0f} / {percentile(sorted(times), 95):.0f} ms"
            for group, times in sorted(mixed_times.items()) if times))
    passed = all(ok for _, _, ok in rows)
    say(f"\nload: {'ALL TARGETS PASS' if passed else 'SOME TARGETS FAIL'} "
        f"({sum(ok for _, _, ok in rows)}/{len(rows)}); logs in {workdir}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
