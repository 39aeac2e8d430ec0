"""gunicorn settings shared by every way the app is served.

`make serve` (deploy/serve.py) runs nginx in front of two pools of this app per instance,
deploy/gunicorn_pages.py and deploy/gunicorn_letters.py, which start from these settings.
`gunicorn -c gunicorn.conf.py app:app` on its own still serves everything from one pool of
threaded workers, for a quick look; in production nginx (or another proxy that buffers
whole requests) must face the clients, never gunicorn (docs/performance.md).

MALLOC_ARENA_MAX=2 is set by deploy/serve.py: with several threads per worker, glibc
otherwise gives threads their own heaps, which roughly doubles memory growth under load.
It must be set before the process starts, so not here.

The app keeps no state, so any number of instances can run behind a load balancer. They
must share TAKEDOWN_SECRET_KEY (so a form from one instance is accepted by another) and a
Redis for the rate limits (TAKEDOWN_RATELIMIT_STORAGE_URI); deploy/serve.py sets both.
"""

import multiprocessing
import os
import secrets

bind = os.environ.get("TAKEDOWN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TAKEDOWN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("TAKEDOWN_THREADS", 4))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Request line and header limits; bodies are capped by nginx and the app (MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Behind a reverse proxy, list its address so X-Forwarded-For/-Proto are trusted,
# e.g. TAKEDOWN_FORWARDED_ALLOW_IPS=10.0.0.5. Never "*" on an open network.
forwarded_allow_ips = os.environ.get("TAKEDOWN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log without query strings or referrers: they can hold what someone typed. The
# error log is filtered too (takedown/web/security.py): a malformed request line is quoted whole.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"


def on_starting(server):
    """Give every worker the same secret key, generated once, unless one was set."""
    # Prefixed so the value can never be read as a JSON number by from_prefixed_env.
    os.environ.setdefault("TAKEDOWN_SECRET_KEY", "k" + secrets.token_hex(32))
    from takedown.web import security

    # gunicorn's own error log (bad request lines) is written by the master and workers.
    security.install_filter(server.log.error_log, security.DropAnyQueryString)


def post_worker_init(worker):
    """Load WeasyPrint, its fonts and caches before the worker takes its first request."""
    # Test stacks that render few letters start theirs cold (deploy/serve.py, warm_up=False).
    if os.environ.get("TAKEDOWN_WARM_UP") == "0":
        return
    from takedown import letters

    letters.warm_up()
