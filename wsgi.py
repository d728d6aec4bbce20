"""WSGI entry point for gunicorn and other servers: ``gunicorn wsgi:app``."""

import gc

from lms import create_app

app = create_app()

# The objects made at start-up (mappers, templates, XML schemas, locale data: ~300,000)
# live as long as the worker. Frozen, the collector no longer walks them in every full
# collection: a large page (the qualification matrix, 3,000 people) paid ~200 ms for one
# every few requests before (docs/performance.md, "Qualification planning").
gc.collect()
gc.freeze()
