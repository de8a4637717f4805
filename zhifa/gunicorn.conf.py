"""gunicorn's settings for Zhifa (`gunicorn -c zhifa/gunicorn.conf.py zhifa.wsgi:application`; `zhifa stack up`
passes it). Read from the environment so that one file serves every machine:

ZHIFA_WEB_BIND (127.0.0.1:8000), ZHIFA_WEB_WORKERS (2 per core), ZHIFA_WEB_THREADS (8).

Threaded workers (gthread): a request spends much of its time waiting — on PostgreSQL, on the object store while an
evidence file streams in or out, on a slow client when no proxy buffers — and threads wait cheaply where a sync
worker would hold a whole process (docs/decisions.md, "The production stack").
"""

from __future__ import annotations

import os

bind = os.environ.get("ZHIFA_WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ZHIFA_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("ZHIFA_WEB_THREADS", "8"))
# An evidence upload of 2 GiB on a slow line takes minutes: the worker is alive, only the request is long.
timeout = 300
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, a few at a time, so that no slow leak grows for weeks.
max_requests = 20000
max_requests_jitter = 2000
# The application writes its own access log (zhifa.access, with the user); gunicorn's errors go to stderr.
accesslog = None
errorlog = "-"
# Behind a reverse proxy on the same machine only: X-Forwarded-* is trusted from loopback.
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = "zhifa-web"
