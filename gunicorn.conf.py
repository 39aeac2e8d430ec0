"""Production serving: `make serve` runs `gunicorn -c gunicorn.conf.py app:app`.

`make serve` also sets MALLOC_ARENA_MAX=2: with several threads per worker, glibc
otherwise gives threads their own heaps, which roughly doubles memory growth under
load (docs/performance.md). It must be set before the process starts, so not here.

The app keeps no state, so any number of instances can run behind a load
balancer. They must share two things: TAKEDOWN_SECRET_KEY (so a form from one
instance is accepted by another) and, for rate limits that add up across
instances, TAKEDOWN_RATELIMIT_STORAGE_URI=redis://...
"""

import multiprocessing
import os
import secrets
import shutil
import tempfile

bind = os.environ.get("TAKEDOWN_BIND", "127.0.0.1:8000")
# Letters are CPU-bound (WeasyPrint), so one worker per core plus one. Each worker
# makes one letter at a time, and all workers together at most one per core (the
# render slots made in on_starting); the other threads serve the quick pages meanwhile.
# TAKEDOWN_RENDER_QUEUE_LIMIT (default 4, the thread count) caps letters waiting in a
# worker; below the thread count it keeps threads free for pages in a surge, at the
# cost of some 503s in bursts (docs/performance.md has the measurements).
workers = int(os.environ.get("TAKEDOWN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("TAKEDOWN_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Request line and header limits; bodies are capped by the app (MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Behind a reverse proxy, list its address so X-Forwarded-For/-Proto are trusted,
# e.g. TAKEDOWN_FORWARDED_ALLOW_IPS=10.0.0.5. Never "*" on an open network.
forwarded_allow_ips = os.environ.get("TAKEDOWN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without query strings or referrers: they can hold what someone typed.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"

# Directories on_starting made, for on_exit to remove.
_made_dirs = []


def on_starting(server):
    """Give every worker the same secret key, generated once, unless one was set, and
    the render slots they share (one per core: takedown/render_slots.py)."""
    # Prefixed so the value can never be read as a JSON number by from_prefixed_env.
    os.environ.setdefault("TAKEDOWN_SECRET_KEY", "k" + secrets.token_hex(32))
    if "TAKEDOWN_RENDER_SLOTS_DIR" not in os.environ:
        os.environ["TAKEDOWN_RENDER_SLOTS_DIR"] = tempfile.mkdtemp(prefix="takedown-render-slots-")
        _made_dirs.append(os.environ["TAKEDOWN_RENDER_SLOTS_DIR"])


def on_exit(server):
    """Remove the render slots' directory made in on_starting (its files are empty)."""
    for directory in _made_dirs:
        shutil.rmtree(directory, ignore_errors=True)


def post_worker_init(worker):
    """Load WeasyPrint, its fonts and caches before the worker takes its first request."""
    import contextlib

    from takedown import letters

    # Inside the app, so the warm-up render takes a shared render slot like any letter.
    app = getattr(worker, "wsgi", None)
    with app.app_context() if hasattr(app, "app_context") else contextlib.nullcontext():
        letters.warm_up()
