"""The pages pool: every page, the static files and the API's light routes (not letters).

Threaded workers, one per core: a page takes milliseconds and nginx hands over only whole
requests, so a few threads per worker keep every core busy without a slow client holding one.
"""

from pathlib import Path

_base = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
exec(compile(_base.read_text(encoding="utf-8"), str(_base), "exec"))

threads = 4
# Only nginx can reach the socket (in a 0700 run directory); it sets X-Forwarded-*.
forwarded_allow_ips = "*"


def post_worker_init(worker):
    """Pages make no letters: nothing to warm up."""
