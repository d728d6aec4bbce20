"""WSGI entry point for gunicorn and other servers: ``gunicorn wsgi:app``."""

from lms import create_app
from lms.app import freeze_startup_objects

app = create_app()
freeze_startup_objects()
