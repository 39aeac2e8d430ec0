"""How deploy/serve.py starts supervisord and nginx: each step below, then exec.

``python -m deploy.launch supervisord PATH ARGS...``: supervisord becomes the "child
subreaper" of everything under it (prctl PR_SET_CHILD_SUBREAPER, which exec keeps), so a
process whose parent is killed (an nginx worker whose master was killed) is handed to
supervisord, not to init: it stays inside the stack, is reaped, and can be found.

``python -m deploy.launch nginx SOCKET PATH ARGS...``: when nginx's master was killed, its
worker goes on serving (it holds the listening sockets and every connection), and is now a
child of supervisord. Before the new master starts, this takes a copy of each listening
socket the old worker holds (pidfd_getfd, Linux 5.6 and later) and hands them to the new
master as nginx's own binary upgrade does (the NGINX environment variable), then asks the old
worker to finish the requests it holds and go (SIGQUIT). The sockets never close, so a
connection arriving at any moment of the restart waits in the listen queue for the new
worker instead of being refused. Where no socket can be copied (an older kernel, the worker
gone too), the Unix socket file the killed master left (SOCKET, or "-" for none) is removed
so the new master can listen there, and a connection sent in that moment is refused.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
SYS_PIDFD_GETFD = 438  # the same number on every architecture Linux added it to

_libc = ctypes.CDLL(None, use_errno=True)


def become_subreaper() -> None:
    if _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        print(f"launch: could not become a subreaper (errno {ctypes.get_errno()})",
              file=sys.stderr)


def orphaned_nginx(supervisor: int) -> list[int]:
    """nginx processes whose parent is supervisord: workers of a master that is gone (the
    one nginx master supervisord runs is this launcher, about to exec)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == supervisor and name == "nginx":
            found.append(int(entry.name))
    return found


def listening_sockets(pids: list[int]) -> list[socket.socket]:
    """A copy of each listening socket the processes hold, once each."""
    found, seen = [], set()
    for pid in pids:
        try:
            pidfd = os.pidfd_open(pid)
            entries = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        try:
            for entry in entries:
                try:
                    target = os.readlink(entry)
                except OSError:
                    continue
                if not target.startswith("socket:") or target in seen:
                    continue
                fd = _libc.syscall(SYS_PIDFD_GETFD, pidfd, int(entry.name), 0)
                if fd < 0:
                    continue
                sock = socket.socket(fileno=fd)
                if sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                    seen.add(target)
                    found.append(sock)
                else:
                    sock.close()
        finally:
            os.close(pidfd)
    return found


def hand_over(sockets: list[socket.socket]) -> None:
    """Keep the sockets open across exec and name them to nginx (NGINX="fd;fd;")."""
    for sock in sockets:
        os.set_inheritable(sock.fileno(), True)
    os.environ["NGINX"] = "".join(f"{sock.fileno()};" for sock in sockets)


def main(argv: list[str]) -> None:
    what, *argv = argv
    if what == "supervisord":
        become_subreaper()
    elif what == "nginx":
        stale, *argv = argv
        os.environ.pop("NGINX", None)
        orphans = orphaned_nginx(os.getppid())
        sockets = listening_sockets(orphans)
        if sockets:
            hand_over(sockets)
        for pid in orphans:
            try:
                os.kill(pid, signal.SIGQUIT)
            except ProcessLookupError:
                pass
        inherited = {sock.getsockname() for sock in sockets}
        if stale != "-" and stale not in inherited:
            Path(stale).unlink(missing_ok=True)
    else:
        raise SystemExit(f"launch: unknown program {what!r}")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
