"""Letters being made at once, counted across every worker process of an instance.

gunicorn runs several worker processes, and each makes one letter at a time
(takedown/pdf.py). With only that per-process lock, a letter can wait behind a
pack in a busy worker while a core sits idle in another, and more renders than
cores run at once, each slowing the others down. Slots shared by all workers
fix both: at most one render per slot (one per core) runs, and a waiting render
takes the first slot that frees, in whichever worker it is.

Waiting renders are served in the order they arrived: each waits in a queue
directory, and only the oldest waiters (one per slot) try for a slot. Without
that, whichever waiter happened to look first would win, and an unlucky pack
could be overtaken again and again.

Slots and places in the queue are advisory locks (``flock``) on empty files in
a directory the gunicorn master makes when it starts (gunicorn.conf.py). The
kernel drops a lock when its process dies, so a worker killed in the middle of a
render (timeout, restart) never keeps a slot, and its place in the queue is
cleared by the next waiter. The files stay empty: nothing about a case is
written.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path

_LOCK_NOW = fcntl.LOCK_EX | fcntl.LOCK_NB


class SlotWaitTooLong(RuntimeError):
    """No render slot came free in time."""


class RenderSlots:
    """``count`` slots, as lock files in ``directory``, shared by every process that opens them."""

    POLL_SECONDS = 0.01

    def __init__(self, directory: str | os.PathLike, count: int):
        self.directory = Path(directory)
        self.paths = [self.directory / f"slot-{number}" for number in range(max(1, int(count)))]
        self.queue = self.directory / "queue"
        self._fds: list[int] = []
        self._owner_pid = None
        self._open_lock = threading.Lock()
        # Slots this process holds: flock would let it lock one of its own twice.
        self._held: set[int] = set()

    def _descriptors(self) -> list[int]:
        # Opened again in each process: a descriptor inherited over fork shares its
        # lock with the parent and siblings, so it could not tell workers apart. Opened
        # again, too, if a file was removed (a /tmp cleaner, after days of running), so
        # that this process and newly started ones lock the same files.
        with self._open_lock:
            forked = self._owner_pid != os.getpid()
            if forked or (not self._held and not self._files_still_ours()):
                self.queue.mkdir(mode=0o700, parents=True, exist_ok=True)
                if not forked:
                    for fd in self._fds:
                        os.close(fd)
                self._fds = [os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
                             for path in self.paths]
                self._owner_pid = os.getpid()
                self._held = set()
            return self._fds

    def _files_still_ours(self) -> bool:
        try:
            return all(os.stat(path).st_ino == os.fstat(fd).st_ino
                       for path, fd in zip(self.paths, self._fds, strict=True))
        except (FileNotFoundError, ValueError):
            return False

    def acquire(self, wait_seconds: float) -> int:
        """Take a slot, in turn, waiting up to ``wait_seconds``; return it for ``release``."""
        deadline = time.monotonic() + wait_seconds
        slots = self._descriptors()
        place, place_fd = self._join_queue()
        try:
            while True:
                if self._waiting_ahead_of(place, enough=len(slots)) < len(slots):
                    for fd in slots:
                        if self._take(fd):
                            return fd
                if time.monotonic() >= deadline:
                    raise SlotWaitTooLong(f"no render slot free after {wait_seconds:g} s")
                time.sleep(self.POLL_SECONDS)
        finally:
            _remove(place)
            os.close(place_fd)

    def release(self, fd: int) -> None:
        with self._open_lock:
            self._held.discard(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _take(self, fd: int) -> bool:
        with self._open_lock:
            if fd in self._held:
                return False
            try:
                fcntl.flock(fd, _LOCK_NOW)
            except BlockingIOError:
                return False
            self._held.add(fd)
            return True

    def _join_queue(self) -> tuple[Path, int]:
        """Take a place in the queue: a file named by its arrival, locked while it waits."""
        name = f"{time.monotonic_ns():020d}-{os.getpid()}-{threading.get_ident()}"
        draft = self.queue / f"draft-{name}"
        fd = os.open(draft, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        # Renamed only once locked, so no other waiter can mistake it for a dead one.
        place = self.queue / name
        os.rename(draft, place)
        return place, fd

    def _waiting_ahead_of(self, place: Path, enough: int) -> int:
        """Count the live waiters that arrived before ``place``, up to ``enough``, clearing
        any left by dead processes on the way."""
        ahead = 0
        for name in sorted(os.listdir(self.queue)):
            if name >= place.name or ahead >= enough:
                break
            if name.startswith("draft-"):
                continue
            if _is_held(self.queue / name):
                ahead += 1
        return ahead


def _is_held(path: Path) -> bool:
    """Whether a live process holds the lock on ``path``; remove it if its process has died."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, _LOCK_NOW)
    except BlockingIOError:
        return True
    else:
        _remove(path)  # nobody holds it: its process died, or it has just left the queue
        return False
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
