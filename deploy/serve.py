"""`make serve`: the production shape on one machine, as this user, nothing else to set up.

nginx in front (on 127.0.0.1), Redis for the rate-limit counts, and for each app instance
three gunicorn pools of the same app: pages (and the light API routes), letters, and packs
(each pack is several letters: seconds of rendering, so a pool of its own). All of
it lives in one run directory made at start (sockets, pid files, nginx's config and its
empty temp directories) and removed at exit; nothing is written to /etc or /var.
Ctrl-C (or SIGTERM) stops every process this started and removes the run directory.

Run it with the app's virtualenv: `.venv/bin/python -m deploy.serve [--port 8000]`.
Tests and `make load` use the same code through ``Stack``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"

# Seconds a letter may wait (in the letter pool's queue, then rendering) before it is
# answered with the busy page, and the Retry-After that page gives.
LETTER_WAIT = 25
RETRY_AFTER = 5
# Letters waiting in each instance's queue for a free letter worker (the listen backlog);
# past that a letter gets the busy page at once.
LETTER_QUEUE = int(os.environ.get("TAKEDOWN_LETTER_QUEUE", "16"))
# How much lower the letter pool's CPU priority is than the page pool's (nice).
LETTER_NICE = int(os.environ.get("TAKEDOWN_LETTER_NICE", "10"))
# And the pack pool's below the letter pool's: when a letter and a pack compete for a core,
# the one-page letter (a fifth of a second) gets about three quarters of it, and the pack
# (about a second) finishes a little later. Shortest first, as the queue can't tell.
PACK_NICE_STEP = int(os.environ.get("TAKEDOWN_PACK_NICE", "5"))
PACK_NICE = LETTER_NICE + PACK_NICE_STEP
# The pools of each instance, in the order they start.
POOLS = ("pages", "letters", "packs")
# Connections one client address may hold open at once (nginx limit_conn).
CONN_PER_CLIENT = int(os.environ.get("TAKEDOWN_CONN_PER_CLIENT", "64"))

# Anything after a "?" in a log line: the query string of a request line.
_QUERY = re.compile(r"\?[^\s'\"]*")


def log_line(prefix: str, line: str) -> str:
    """A child's log line as printed: prefixed, without any query string."""
    return f"[{prefix}] " + _QUERY.sub("?…", line.rstrip("\n"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def cores() -> int:
    return len(os.sched_getaffinity(0))


def unix_get(path: Path, url: str, timeout: float = 2.0) -> int:
    """GET url over the Unix socket at path; return the status."""

    class Connection(http.client.HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(str(path))

    connection = Connection("localhost", timeout=timeout)
    try:
        connection.request("GET", url, headers={"Host": "localhost"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def busy_pages(directory: Path) -> None:
    """Write the pages nginx answers with itself (HTML and JSON each), made by the app's own
    error handler: busy (503), too many connections from one address (429), too large (413)."""
    from flask import g
    from werkzeug.exceptions import RequestEntityTooLarge, ServiceUnavailable, TooManyRequests

    from takedown.web import create_app
    from takedown.web.views import handle_http_error

    app = create_app({"RENDER_RETRY_AFTER": RETRY_AFTER})
    directory.mkdir(mode=0o700, exist_ok=True)
    for stem, error in (("busy", ServiceUnavailable), ("limited", TooManyRequests),
                        ("too_large", RequestEntityTooLarge)):
        for path, suffix in (("/letters/download", "html"), ("/api/v1/letters/pack", "json")):
            with app.test_request_context(path, method="POST"):
                g.retry_after = RETRY_AFTER  # the 429 page's wait: nginx's, not a limit's
                response = handle_http_error(error())
                (directory / f"_{stem}.{suffix}").write_bytes(response.get_data())


class Stack:
    """nginx, Redis and ``instances`` app instances (three gunicorn pools each), all local."""

    def __init__(self, port: int | None = None, instances: int = 1, env: dict | None = None,
                 echo: bool = False, page_workers: int | None = None,
                 letter_workers: int | None = None, conn_per_client: int = CONN_PER_CLIENT,
                 letter_queue: int = LETTER_QUEUE, letter_nice: int = LETTER_NICE):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.instances = instances
        self.env = dict(env or {})
        self.echo = echo
        self.page_workers = page_workers or cores()
        self.letter_workers = letter_workers or cores()
        self.pack_workers = self.letter_workers
        self.conn_per_client = conn_per_client
        self.letter_queue = letter_queue
        self.letter_nice = letter_nice
        self.run = Path(tempfile.mkdtemp(prefix="takedown-serve-"))
        os.chmod(self.run, 0o700)
        self.secret_key = "k" + secrets.token_hex(32)
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs: list[str] = []
        self._log_lock = threading.Lock()
        self._pumps: list[threading.Thread] = []

    # --- paths -----------------------------------------------------------------------

    @property
    def redis_socket(self) -> Path:
        return self.run / "redis.sock"

    def pool_socket(self, instance: int, pool: str) -> Path:
        return self.run / f"{pool}-{instance}.sock"

    # --- starting --------------------------------------------------------------------

    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or os.environ.copy(), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace",
            start_new_session=True)  # Ctrl-C reaches serve.py alone, which stops them in order
        self.processes[name] = process
        pump = threading.Thread(target=self._pump, args=(name, process), daemon=True)
        pump.start()
        self._pumps.append(pump)
        return process

    def _pump(self, name: str, process: subprocess.Popen) -> None:
        for line in process.stdout:
            text = log_line(name, line)
            with self._log_lock:
                self.logs.append(text)
            if self.echo:
                print(text, flush=True)
        process.stdout.close()

    def start_redis(self) -> None:
        self._spawn("redis", [
            "redis-server", "--port", "0", "--unixsocket", str(self.redis_socket),
            "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", str(self.run), "--daemonize", "no", "--logfile", "",
            "--protected-mode", "yes", "--loglevel", "warning"])
        self._wait(lambda: self._redis_ping(), "redis", self.processes["redis"])

    def _redis_ping(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(self.redis_socket))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def stop_redis(self) -> None:
        self._stop(self.processes.pop("redis", None))

    def app_env(self) -> dict:
        env = os.environ.copy()
        env.update({
            "TAKEDOWN_SECRET_KEY": self.secret_key,
            "TAKEDOWN_RATELIMIT_STORAGE_URI": f"redis+unix://{self.redis_socket}",
            "TAKEDOWN_PROXY_COUNT": "1",
            "TAKEDOWN_RENDER_RETRY_AFTER": str(RETRY_AFTER),
            "MALLOC_ARENA_MAX": "2",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(self.env)
        return env

    def start_instance(self, instance: int) -> None:
        env = self.app_env()
        workers_of = {"pages": self.page_workers, "letters": self.letter_workers,
                      "packs": self.pack_workers}
        nice_of = {"pages": 0, "letters": self.letter_nice,
                   "packs": self.letter_nice + PACK_NICE_STEP}
        for pool in POOLS:
            workers = workers_of[pool]
            socket_path = self.pool_socket(instance, pool)
            pool_env = dict(env, TAKEDOWN_BIND=f"unix:{socket_path}",
                            TAKEDOWN_WORKERS=str(workers),
                            TAKEDOWN_LETTER_QUEUE=str(self.letter_queue))
            # Letters run at a lower CPU priority: when both compete for a core, the page a
            # person is waiting to read goes first, and a letter takes a few ms longer.
            # Packs lower still (PACK_NICE).
            nice = ["nice", "-n", str(nice_of[pool])] if nice_of[pool] else []
            # The pack pool is a letter pool on its own socket: the same configuration.
            config = DEPLOY / f"gunicorn_{'letters' if pool == 'packs' else pool}.py"
            self._spawn(f"{pool}-{instance}", [
                *nice, str(VENV_BIN / "gunicorn"), "-c", str(config),
                "--no-control-socket", "app:app"], pool_env)
        for pool in POOLS:
            path = self.pool_socket(instance, pool)
            self._wait(lambda p=path: unix_get(p, "/healthz") == 200, f"{pool}-{instance}",
                       self.processes[f"{pool}-{instance}"])

    def stop_instance(self, instance: int) -> None:
        for pool in POOLS:
            self._stop(self.processes.pop(f"{pool}-{instance}", None))

    def nginx_conf(self) -> str:
        template = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")

        def servers(pool: str, extra: str = "") -> str:
            return "\n".join(f"        server unix:{self.pool_socket(i, pool)}{extra};"
                             for i in range(self.instances))

        https = self.app_env().get("TAKEDOWN_HTTPS", "").lower() in ("1", "true")
        hsts = ('            add_header Strict-Transport-Security "max-age=31536000" always;'
                if https else "")
        user = pwd.getpwuid(os.geteuid()).pw_name
        values = {
            # Started as root, nginx would hand its workers to "nobody"; keep them this user.
            "USER": f"user {user};" if os.geteuid() == 0 else "",
            "RUN": str(self.run),
            "MIME_TYPES": "/etc/nginx/mime.types",
            "PAGE_SERVERS": servers("pages", " max_fails=1 fail_timeout=2s"),
            "LETTER_SERVERS": servers("letters", " max_fails=0"),
            "PACK_SERVERS": servers("packs", " max_fails=0"),
            "LISTEN": f"{HOST}:{self.port}",
            "SERVER_NAMES": "127.0.0.1 localhost",
            "CONN_PER_CLIENT": str(self.conn_per_client),
            "SCHEME": "https" if https else "$scheme",
            "LETTER_WAIT": str(LETTER_WAIT),
            "RETRY_AFTER": str(RETRY_AFTER),
            "ERRORS": str(self.run / "errors"),
            "HSTS": hsts,
        }
        for name, value in values.items():
            template = template.replace("{{" + name + "}}", value)
        return template

    def start_nginx(self) -> None:
        busy_pages(self.run / "errors")
        conf = self.run / "nginx.conf"
        conf.write_text(self.nginx_conf(), encoding="utf-8")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run([nginx, "-t", "-q", "-p", str(self.run), "-c", str(conf),
                                "-e", "stderr"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx config refused: {check.stderr.strip()}")
        process = self._spawn("nginx", [nginx, "-p", str(self.run), "-c", str(conf),
                                        "-e", "stderr"])
        self._wait(lambda: self._http_ok("/healthz"), "nginx", process)

    def _http_ok(self, path: str) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        finally:
            connection.close()

    def _wait(self, ready, name: str, process: subprocess.Popen, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode} while "
                                   "starting:\n" + "\n".join(self.logs[-20:]))
            try:
                if ready():
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} was not ready within {seconds:g} s")
            time.sleep(0.1)

    def start(self) -> Stack:
        try:
            self.start_redis()
            for instance in range(self.instances):
                self.start_instance(instance)
            self.start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    # --- stopping --------------------------------------------------------------------

    def _stop(self, process: subprocess.Popen | None, seconds: float = 20) -> None:
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        """Stop nginx, then the pools, then Redis; kill what is left; remove the run directory."""
        order = ["nginx"] + [n for n in self.processes if n not in ("nginx", "redis")] + ["redis"]
        for name in order:
            self._stop(self.processes.get(name))
        for process in self.processes.values():
            # Anything a child left in its own session (a worker outliving its master).
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.processes.clear()
        for pump in self._pumps:
            pump.join(timeout=5)
        shutil.rmtree(self.run, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- for tests and make load -------------------------------------------------------

    def worker_pids(self, instance: int, pool: str) -> list[int]:
        """The worker processes of one pool (children of its gunicorn master)."""
        master = self.processes[f"{pool}-{instance}"].pid
        return sorted(pid for pid, (parent, _) in process_table().items() if parent == master)


def process_table() -> dict[int, tuple[int, int]]:
    """Every live process: pid -> (parent pid, CPU ticks used so far, user and system)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--instances", type=int, default=1)
    args = parser.parse_args(argv)
    stack = Stack(port=args.port, instances=args.instances, echo=True)
    stopping = threading.Event()

    def on_signal(signum, frame):
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
    except RuntimeError as error:
        print(f"serve: {error}", file=sys.stderr)
        return 1
    print(f"serve: Takedown on {stack.url} (nginx, {args.instances} instance(s) of pages, "
          f"letters and packs, Redis); run directory {stack.run}. Ctrl-C stops everything.",
          flush=True)
    try:
        while not stopping.is_set():
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"serve: {name} exited with status {process.returncode}; stopping",
                          flush=True)
                    stopping.set()
                    break
            stopping.wait(1)
    finally:
        print("serve: stopping ...", flush=True)
        stack.stop()
        print("serve: stopped; nothing left running, run directory removed.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
