"""`make serve`: the production shape on one machine, as this user, nothing else to set up.

nginx in front (on 127.0.0.1), Redis for the rate-limit counts, and for each app instance
four gunicorn pools of the same app: two for pages (and the light API routes), one for
letters and one for packs (each pack is several letters: seconds of rendering, so a pool of
its own). supervisord (from PyPI, pinned in requirements.txt) runs them all and restarts any
that dies, at once and then with a growing pause if it keeps failing to start. All of it
lives in one run directory made at start (sockets, pid files, the configs and nginx's empty
temp directories) and removed at exit; nothing is written to /etc or /var. Ctrl-C (or
SIGTERM) stops every process this started and removes the run directory; nothing else does.

Run it with the app's virtualenv: `.venv/bin/python -m deploy.serve [--port 8000]`.
Tests and `make load` use the same code through ``Stack``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import pwd
import re
import resource
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
PYTHON = VENV_BIN / "python"
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
# The pools of each instance, in the order they start: two of pages (so nginx always has
# another to send a page to), letters, packs.
PAGE_POOLS = ("pages", "pages-b")
POOLS = (*PAGE_POOLS, "letters", "packs")
# Connections one client address may hold open at once (nginx limit_conn, after the headers
# arrive, answered with the calm 429 page), and TCP connections before any header (nginx's
# stream module in front, where Debian's libnginx-mod-stream is installed: closed at once).
CONN_PER_CLIENT = int(os.environ.get("TAKEDOWN_CONN_PER_CLIENT", "64"))
TCP_PER_CLIENT = 2 * CONN_PER_CLIENT
STREAM_MODULE = Path("/usr/lib/nginx/modules/ngx_stream_module.so")

# Anything after a "?" in a log line: the query string of a request line.
_QUERY = re.compile(r"\?[^\s'\"]*")
# Control characters (C0 but tab, DEL, C1) and the Unicode line separators: escaped in every
# log line, so nothing a visitor sent can forge a line or reach a terminal as a command.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def log_line(prefix: str, line: str) -> str:
    """A child's log line as printed: prefixed, without any query string or control character."""
    text = _QUERY.sub("?…", line.rstrip("\r\n"))
    return f"[{prefix}] " + _CONTROL.sub(_escaped, text)


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


def busy_pages(directory: Path) -> int:
    """Write the pages nginx answers with itself (HTML and JSON each), made by the app's own
    error handler: busy (503), too many connections from one address (429), too large (413),
    and a page pool that could not answer (503). Return the app's body limit in bytes."""
    from flask import g, jsonify, render_template
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
    unavailable = ServiceUnavailable()
    unavailable.retry_after = RETRY_AFTER
    with app.test_request_context("/"):
        (directory / "_unavailable.html").write_text(
            render_template("errors/unavailable.html", error=unavailable), encoding="utf-8")
        message = (f"Part of the site is restarting. Please wait {RETRY_AFTER} seconds, then try "
                   "again: nothing you sent has been kept.")
        (directory / "_unavailable.json").write_bytes(jsonify(
            {"error": "Service Unavailable", "message": message}).get_data())
    return int(app.config["MAX_CONTENT_LENGTH"])


def security_headers(https: bool) -> dict[str, str]:
    """The headers every answer carries (the app's own set), with HSTS behind HTTPS."""
    from takedown.web.security import HEADERS

    headers = dict(HEADERS)
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return headers


def _conf_value(text: str) -> str:
    """A value for supervisord's config: its only special character is "%"."""
    return str(text).replace("%", "%%")


class Stack:
    """nginx, Redis and ``instances`` app instances (four gunicorn pools each), all local,
    under one supervisord."""

    def __init__(self, port: int | None = None, instances: int = 1, env: dict | None = None,
                 echo: bool = False, page_workers: int | None = None,
                 letter_workers: int | None = None, conn_per_client: int = CONN_PER_CLIENT,
                 letter_queue: int = LETTER_QUEUE, letter_nice: int = LETTER_NICE,
                 unlimited: tuple[str, ...] = (), warm_up: bool = True):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.instances = instances
        self.env = dict(env or {})
        self.echo = echo
        # Page workers are shared between the two page pools of an instance.
        self.page_workers = page_workers or cores()
        self.letter_workers = letter_workers or cores()
        self.pack_workers = self.letter_workers
        self.conn_per_client = conn_per_client
        self.letter_queue = letter_queue
        self.letter_nice = letter_nice
        # Client addresses neither nginx nor the app's rate limits ever cap (make load's own
        # load generator, one address for every simulated visitor); none in production.
        self.unlimited = tuple(unlimited)
        # Letter and pack workers render a pack as they start (gunicorn.conf.py); a test stack
        # that renders few letters starts them cold (warm_up=False). Never in production.
        self.warm_up = warm_up
        self.run = Path(tempfile.mkdtemp(prefix="takedown-serve-"))
        os.chmod(self.run, 0o700)
        self.secret_key = "k" + secrets.token_hex(32)
        self.supervisor: subprocess.Popen | None = None
        self.logs: list[str] = []
        self._log_lock = threading.Lock()
        self._pumps: list[threading.Thread] = []

    # --- paths -----------------------------------------------------------------------

    @property
    def redis_socket(self) -> Path:
        return self.run / "redis.sock"

    def pool_socket(self, instance: int, pool: str) -> Path:
        return self.run / f"{pool}-{instance}.sock"

    @property
    def control_socket(self) -> Path:
        return self.run / "supervisor.sock"

    # --- what runs -----------------------------------------------------------------------

    def app_env(self) -> dict:
        env = os.environ.copy()
        env.update({
            "TAKEDOWN_SECRET_KEY": self.secret_key,
            "TAKEDOWN_RATELIMIT_STORAGE_URI": f"redis+unix://{self.redis_socket}",
            "TAKEDOWN_PROXY_COUNT": "1",
            "TAKEDOWN_RENDER_RETRY_AFTER": str(RETRY_AFTER),
            # Every process that counts limits, in every pool and instance: while Redis is
            # away each counts its share of a limit in memory, so together no more than it.
            "TAKEDOWN_RATELIMIT_PROCESSES": str(self.instances * (
                self.page_workers + self.letter_workers + self.pack_workers)),
            "MALLOC_ARENA_MAX": "2",
            "PYTHONUNBUFFERED": "1",
        })
        if self.unlimited:
            env["TAKEDOWN_RATELIMIT_UNLIMITED"] = json.dumps(list(self.unlimited))
        env.update(self.env)
        return env

    def programs(self) -> dict[str, dict]:
        """Each program supervisord runs: its command, start order and own environment."""
        programs = {"redis": {"command": [
            "redis-server", "--port", "0", "--unixsocket", str(self.redis_socket),
            "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
            "--dir", str(self.run), "--daemonize", "no", "--logfile", "",
            "--protected-mode", "yes", "--loglevel", "warning"], "priority": 10}}
        page_workers = max(1, self.page_workers // len(PAGE_POOLS))
        workers_of = {"letters": self.letter_workers, "packs": self.pack_workers}
        nice_of = {"letters": self.letter_nice, "packs": self.letter_nice + PACK_NICE_STEP}
        for instance in range(self.instances):
            for pool in POOLS:
                # Letters run at a lower CPU priority: when both compete for a core, the page a
                # person is waiting to read goes first, and a letter takes a few ms longer.
                # Packs lower still (PACK_NICE).
                nice = nice_of.get(pool, 0)
                # The pack pool is a letter pool on its own socket: the same configuration.
                config = "gunicorn_pages.py" if pool in PAGE_POOLS else "gunicorn_letters.py"
                environment = {
                    "TAKEDOWN_BIND": f"unix:{self.pool_socket(instance, pool)}",
                    "TAKEDOWN_WORKERS": str(workers_of.get(pool, page_workers)),
                    "TAKEDOWN_LETTER_QUEUE": str(self.letter_queue)}
                if not self.warm_up:
                    environment["TAKEDOWN_WARM_UP"] = "0"
                programs[f"{pool}-{instance}"] = {
                    "command": [*(["nice", "-n", str(nice)] if nice else []),
                                str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / config),
                                "--no-control-socket", "app:app"],
                    "priority": 20, "environment": environment}
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        stale = str(self.run / "http.sock") if STREAM_MODULE.exists() else "-"
        programs["nginx"] = {"command": [
            str(PYTHON), "-m", "deploy.launch", "nginx", stale, nginx, "-p", str(self.run),
            "-c", str(self.run / "nginx.conf"), "-e", "stderr"], "priority": 90}
        return programs

    def supervisor_conf(self) -> str:
        """supervisord's configuration: every program, restarted whenever it exits."""
        run = _conf_value(self.run)
        lines = [
            "[supervisord]", "nodaemon=true", "silent=false", "logfile=/dev/null",
            "logfile_maxbytes=0", f"pidfile={run}/supervisord.pid", f"childlogdir={run}",
            f"directory={_conf_value(ROOT)}", "loglevel=info", "identifier=takedown", "",
            "[unix_http_server]", f"file={run}/supervisor.sock", "chmod=0700", "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface", "",
            "[supervisorctl]", f"serverurl=unix://{run}/supervisor.sock", "",
            # Every program's output, line by line with its name, to supervisord's own output.
            "[eventlistener:logs]", f"command={_conf_value(PYTHON)} -m deploy.logs",
            "events=PROCESS_LOG", "buffer_size=10000", "priority=1", "autorestart=true",
            "stdout_logfile=NONE", "stderr_logfile=/dev/stdout", "stderr_logfile_maxbytes=0", "",
        ]
        for name, program in self.programs().items():
            lines += [
                f"[program:{name}]",
                "command=" + _conf_value(shlex.join(program["command"])),
                f"priority={program['priority']}",
                "autostart=true", "autorestart=true",
                # Up a second counts as started; one that dies sooner is tried again after
                # 1 s, 2 s, 3 s ... (supervisord's back-off), for as long as it takes.
                "startsecs=1", "startretries=1000",
                "stopsignal=TERM", "stopwaitsecs=20", "stopasgroup=true", "killasgroup=true",
                "redirect_stderr=true", "stdout_logfile=NONE", "stdout_events_enabled=true",
            ]
            environment = program.get("environment")
            if environment:
                lines.append("environment=" + ",".join(
                    f'{key}="{_conf_value(value)}"' for key, value in environment.items()))
            lines.append("")
        return "\n".join(lines)

    def nginx_conf(self, body_limit: int = 256 * 1024) -> str:
        template = (DEPLOY / "nginx.conf.template").read_text(encoding="utf-8")

        def servers(pool: str, extra: str = "") -> str:
            return "\n".join(f"        server unix:{self.pool_socket(i, pool)}{extra};"
                             for i in range(self.instances))

        https = self.app_env().get("TAKEDOWN_HTTPS", "").lower() in ("1", "true")
        user = pwd.getpwuid(os.geteuid()).pw_name
        files = max(4096, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        stream = STREAM_MODULE.exists()
        http_listen = f"unix:{self.run / 'http.sock'} proxy_protocol" if stream else \
            f"{HOST}:{self.port} backlog=4096"
        headers = security_headers(https)
        values = {
            # Started as root, nginx would hand its workers to "nobody"; keep them this user.
            "USER": f"user {user};" if os.geteuid() == 0 else "",
            "LOAD_STREAM": f"load_module {STREAM_MODULE};" if stream else "",
            "STREAM": self._stream_block() if stream else "",
            "FILES": str(files),
            "CONNECTIONS": str(files - 512),
            "RUN": str(self.run),
            "MIME_TYPES": "/etc/nginx/mime.types",
            "PAGE_SERVERS": "\n".join(servers(pool, " max_fails=1 fail_timeout=2s")
                                      for pool in PAGE_POOLS),
            "LETTER_SERVERS": servers("letters", " max_fails=0"),
            "PACK_SERVERS": servers("packs", " max_fails=0"),
            "HTTP_LISTEN": http_listen,
            "REAL_IP": ("        set_real_ip_from unix:;\n        real_ip_header proxy_protocol;"
                        if stream else ""),
            "SERVER_NAMES": "127.0.0.1 localhost",
            "CONN_PER_CLIENT": str(self.conn_per_client),
            "CLIENT_KEY": "$per_client_key",
            "HTTP_UNLIMITED": self._client_key("per_client_key"),
            "BODY_LIMIT": str(body_limit),
            "SCHEME": "https" if https else "$scheme",
            "LETTER_WAIT": str(LETTER_WAIT),
            "RETRY_AFTER": str(RETRY_AFTER),
            "ERRORS": str(self.run / "errors"),
            "OWN_PAGES": "        error_page 429 $limited_page;\n"
                         "        error_page 413 $too_large_page;",
            "LOCATION_OWN_PAGES": "            error_page 429 $limited_page;\n"
                                  "            error_page 413 $too_large_page;",
            "SECURITY_MAPS": "\n".join(
                f"    map $upstream_http_{self._variable(name)} $own_{self._variable(name)} "
                f"{{\n        \"\" \"{value}\";\n        default \"\";\n    }}"
                for name, value in headers.items()),
            "SECURITY_HEADERS": "\n".join(
                f"        add_header {name} $own_{self._variable(name)} always;"
                for name in headers),
        }
        for name, value in values.items():
            template = template.replace("{{" + name + "}}", value)
        return template

    @staticmethod
    def _variable(header: str) -> str:
        return header.lower().replace("-", "_")

    def _client_key(self, name: str) -> str:
        """A geo and map giving each client address as the key nginx caps, or "" (no cap)
        for the addresses this stack leaves unlimited."""
        exempt = "".join(f"        {address} 1;\n" for address in self.unlimited)
        return (f"    geo $is_{name}_exempt {{\n        default 0;\n{exempt}    }}\n"
                f"    map $is_{name}_exempt ${name} {{\n        0 $binary_remote_addr;\n"
                f"        1 \"\";\n    }}")

    def _stream_block(self) -> str:
        """The TCP front: at most TCP_PER_CLIENT connections from one address, counted as
        each is accepted (before any header), then on to the HTTP server with the visitor's
        address in the PROXY protocol."""
        tcp_cap = max(TCP_PER_CLIENT, 2 * self.conn_per_client)
        return (
            "stream {\n"
            f"{self._client_key('tcp_client_key')}\n"
            "    limit_conn_zone $tcp_client_key zone=tcp_per_client:10m;\n"
            "    limit_conn_log_level warn;\n"
            "    server {\n"
            f"        listen {HOST}:{self.port} backlog=4096;\n"
            f"        limit_conn tcp_per_client {tcp_cap};\n"
            f"        proxy_pass unix:{self.run / 'http.sock'};\n"
            "        proxy_protocol on;\n"
            # A client that has sent all it will (shut its side) still gets the answer.
            "        proxy_half_close on;\n"
            "        proxy_connect_timeout 2s;\n"
            # Longer than any answer takes: the HTTP side's own timeouts close idle ones.
            "        proxy_timeout 60s;\n"
            "    }\n"
            "}\n")

    # --- starting --------------------------------------------------------------------

    def _pump(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            # The log listener's lines are "[program] ..." already; the rest are supervisord's.
            if line.startswith("["):
                prefix, _, rest = line[1:].partition("] ")
                text = log_line(prefix, rest)
            else:
                text = log_line("supervisord", line)
            with self._log_lock:
                self.logs.append(text)
            if self.echo:
                print(text, flush=True)
        process.stdout.close()

    def start(self) -> Stack:
        try:
            body_limit = busy_pages(self.run / "errors")
            conf = self.run / "nginx.conf"
            conf.write_text(self.nginx_conf(body_limit), encoding="utf-8")
            nginx = shutil.which("nginx") or "/usr/sbin/nginx"
            check = subprocess.run([nginx, "-t", "-q", "-p", str(self.run), "-c", str(conf),
                                    "-e", "stderr"], capture_output=True, text=True)
            if check.returncode != 0:
                raise RuntimeError(f"nginx config refused: {check.stderr.strip()}")
            supervisor_conf = self.run / "supervisord.conf"
            supervisor_conf.write_text(self.supervisor_conf(), encoding="utf-8")
            self.supervisor = subprocess.Popen(
                [str(PYTHON), "-m", "deploy.launch", "supervisord",
                 str(VENV_BIN / "supervisord"), "-c", str(supervisor_conf)],
                cwd=ROOT, env=self.app_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True, errors="replace",
                start_new_session=True)  # Ctrl-C reaches serve.py alone, which stops it
            pump = threading.Thread(target=self._pump, args=(self.supervisor,), daemon=True)
            pump.start()
            self._pumps.append(pump)
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, seconds: float = 90) -> None:
        """Wait until Redis, every pool and nginx answer."""
        self._wait(self._redis_ping, "redis", seconds)
        for instance in range(self.instances):
            for pool in POOLS:
                path = self.pool_socket(instance, pool)
                self._wait(lambda p=path: unix_get(p, "/healthz") == 200,
                           f"{pool}-{instance}", seconds)
        self._wait(lambda: self._http_ok("/healthz"), "nginx", seconds)

    def _redis_ping(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(str(self.redis_socket))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    def _http_ok(self, path: str) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=2)
        try:
            connection.request("GET", path)
            return connection.getresponse().status == 200
        finally:
            connection.close()

    def _wait(self, ready, name: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if self.supervisor is not None and self.supervisor.poll() is not None:
                raise RuntimeError(f"supervisord exited with status {self.supervisor.returncode}"
                                   f" while {name} was starting:\n" + "\n".join(self.logs[-20:]))
            try:
                if ready():
                    return
            except (OSError, http.client.HTTPException):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} was not ready within {seconds:g} s:\n"
                                   + "\n".join(self.logs[-20:]))
            time.sleep(0.1)

    # --- supervisord's control socket -------------------------------------------------

    def control(self, method: str, *args):
        """Call one method of supervisord's XML-RPC interface, over its socket in the run
        directory: getProcessInfo, stopProcess, startProcess ..."""
        from supervisor.xmlrpc import SupervisorTransport

        transport = SupervisorTransport(None, None, f"unix://{self.control_socket}")
        try:
            proxy = xmlrpc.client.ServerProxy("http://localhost", transport=transport)
            return getattr(proxy.supervisor, method)(*args)
        finally:
            transport.close()

    def pids(self) -> dict[str, int]:
        """The running programs' process ids, by name (redis, nginx, pages-0, ...)."""
        return {info["name"]: info["pid"] for info in self.control("getAllProcessInfo")
                if info["pid"] and info["group"] != "logs"}

    def pid(self, name: str) -> int:
        return self.control("getProcessInfo", name)["pid"]

    def stop_program(self, name: str) -> None:
        """Stop one program (it stays stopped until start_program)."""
        self.control("stopProcess", name, True)

    def start_program(self, name: str) -> None:
        self.control("startProcess", name, True)

    def stop_redis(self) -> None:
        self.stop_program("redis")

    def start_redis(self) -> None:
        self.start_program("redis")
        self._wait(self._redis_ping, "redis")

    def stop_instance(self, instance: int) -> None:
        """Stop every pool of one instance at once, each gracefully; wait until all have."""
        # All at once, as when the machine an instance runs on goes away.
        names = [f"{pool}-{instance}" for pool in POOLS]
        for name in names:
            self.control("stopProcess", name, False)
        self._wait(lambda: all(self.control("getProcessInfo", name)["statename"] == "STOPPED"
                               for name in names), f"instance {instance} stopping")

    # --- stopping --------------------------------------------------------------------

    def stop(self) -> None:
        """Stop supervisord, which stops nginx, then the pools, then Redis; kill anything
        left of them; remove the run directory."""
        process = self.supervisor
        if process is not None:
            left = descendants(process.pid)
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            # Anything that outlived supervisord (a worker whose master was killed).
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.supervisor = None
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
        master = self.pid(f"{pool}-{instance}")
        return sorted(pid for pid, (parent, _) in process_table().items() if parent == master)


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name (state, parent, group,
    session ...), or None when there is no such process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def process_stats() -> dict[int, list[str]]:
    """Every process's stat fields (see stat_fields), by pid."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat_fields(int(entry.name))) is not None:
            found[int(entry.name)] = fields
    return found


def process_table() -> dict[int, tuple[int, int]]:
    """Every live process: pid -> (parent pid, CPU ticks used so far, user and system)."""
    return {pid: (int(fields[1]), int(fields[11]) + int(fields[12]))
            for pid, fields in process_stats().items()}


def descendants(pid: int) -> set[int]:
    """Every live process under pid: its children, theirs, and so on."""
    children: dict[int, list[int]] = {}
    for child, (parent, _) in process_table().items():
        children.setdefault(parent, []).append(child)
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--page-workers", type=int, help="page workers of each instance, "
                        "shared by its two page pools (default: one per core)")
    parser.add_argument("--letter-workers", type=int, help="workers of each instance's letter "
                        "pool, and of its pack pool (default: one per core)")
    args = parser.parse_args(argv)
    stack = Stack(port=args.port, instances=args.instances, echo=True,
                  page_workers=args.page_workers, letter_workers=args.letter_workers)
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
          f"letters and packs, Redis, under supervisord: a part that stops is started again); "
          f"run directory {stack.run}. Ctrl-C stops everything.", flush=True)
    status = 0
    try:
        while not stopping.is_set():
            if stack.supervisor.poll() is not None:
                print(f"serve: supervisord exited with status {stack.supervisor.returncode}; "
                      "stopping", flush=True)
                status = 1
                break
            stopping.wait(1)
    finally:
        print("serve: stopping ...", flush=True)
        stack.stop()
        print("serve: stopped; nothing left running, run directory removed.", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
