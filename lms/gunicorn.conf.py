"""gunicorn settings for the web processes (docs/deployment.md, section 4).

    .venv/bin/gunicorn lms.wsgi -c lms/gunicorn.conf.py --bind 0.0.0.0:8000

Command-line options override these; the load test (tests/benchmarks/bench_load.py)
starts gunicorn with this file too.

Memory (issue 19: resident memory of a worker after a class period):

- The application is loaded once in the master and the workers are forked
  from it (`preload_app`), so its code and startup objects are pages the
  workers share until they write to them. `gc.freeze()` moves those objects
  out of the collector's reach: a collection in a worker no longer writes to
  every one of them (reference counts aside), which kept copying the shared
  pages into each worker.
- A worker is replaced after `max_requests` (± jitter) requests; forked from
  the loaded master, a replacement is ready at once. What a worker's heap
  grows to under load (fragmentation, caches) is given back that way.
- After each request the C heap's free pages go back to the system
  (`malloc_trim`), as lms.people.hashers does after each password hash: a
  large page (a report of a few hundred learners) otherwise leaves its peak
  in the worker for good.

preload_app means a code change needs a restart (`systemctl restart`), not a
HUP reload.
"""

import gc
import os

wsgi_app = "lms.wsgi:application"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
timeout = 120
preload_app = True
max_requests = 2000
max_requests_jitter = 200


def when_ready(server):
    if not server.cfg.preload_app:
        return  # nothing loaded in the master (--no-preload)
    # The master never serves: a connection opened while loading the app
    # must not be inherited by the workers.
    from django.db import connections

    connections.close_all()
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    from lms.people.hashers import work_area_release

    work_area_release()
