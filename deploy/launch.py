"""How deploy/serve.py starts supervisord and nginx: each step below, then exec.

``python -m deploy.launch supervisord PATH ARGS...``: supervisord becomes the "child
subreaper" of everything under it (prctl PR_SET_CHILD_SUBREAPER, which exec keeps), so a
process whose parent is killed (an nginx worker whose master was killed) is handed to
supervisord, not to init: it stays inside the stack, is reaped, and can be found.

``python -m deploy.launch nginx SOCKET PATH ARGS...``: before nginx starts again after its
master was killed, the workers that master left behind (children of supervisord now, named
nginx) are asked to finish the requests they hold and go (SIGQUIT: they close the listening
socket at once), and the Unix socket file the killed master could not remove (SOCKET, or "-"
for none) is removed, so the new master can listen there.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
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


def main(argv: list[str]) -> None:
    what, *argv = argv
    if what == "supervisord":
        become_subreaper()
    elif what == "nginx":
        stale, *argv = argv
        for pid in orphaned_nginx(os.getppid()):
            try:
                os.kill(pid, signal.SIGQUIT)
            except ProcessLookupError:
                pass
        if stale != "-":
            Path(stale).unlink(missing_ok=True)
    else:
        raise SystemExit(f"launch: unknown program {what!r}")
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
