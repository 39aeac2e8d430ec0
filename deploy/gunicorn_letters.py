"""The letters pool: POST /letters/download and /api/v1/letters/*, nothing else; and,
on a socket of its own, the packs pool (POST /letters/pack and /api/v1/letters/pack).

One single-threaded (sync) worker per core, each making one letter at a time, so at most
one render per core runs and a render never shares its core's GIL with a page. Letters
beyond that wait in the listen queue (backlog, TAKEDOWN_LETTER_QUEUE) for the next free
worker; nginx answers the rest, and any that waits too long, with the busy page (503).
A worker killed mid-render is replaced by gunicorn's master; the kernel drops its queue
place, nothing is left behind.
"""

import os
from pathlib import Path

_base = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_base.read_text(encoding="utf-8"), str(_base), "exec"))

worker_class = "sync"
threads = 1
backlog = int(os.environ.get("TAKEDOWN_LETTER_QUEUE", "16"))
# A render taking longer than this is stuck: the worker is killed and replaced.
timeout = 30
forwarded_allow_ips = "*"
