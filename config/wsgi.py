"""The web server's application: `gunicorn 'config.wsgi:create_application()'` makes it in each of its processes."""

import os

from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

from infrastructure.process_start import start_web_process


def create_application() -> WSGIHandler:
    """Django's WSGI application, after the web process's start-up (infrastructure/process_start.py)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    application = get_wsgi_application()
    start_web_process()
    return application
