"""The Celery application: settings come from Django's CELERY_* settings, tasks from each app's tasks.py."""
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**_: object) -> None:
    """Workers log like the web server (format, ids of the turn, secrets redacted) instead of Celery's own set-up."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_init.connect
def serve_worker_metrics(**_: object) -> None:
    """A worker on another machine than the web server shows its metrics on its own port, when set."""
    from django.conf import settings
    from prometheus_client import start_http_server

    from operations.metrics import scrape_registry

    if settings.PARLEY_WORKER_METRICS_PORT:
        start_http_server(
            settings.PARLEY_WORKER_METRICS_PORT, addr=settings.PARLEY_WORKER_METRICS_ADDRESS, registry=scrape_registry()
        )


@worker_process_shutdown.connect
def forget_worker_process_metrics(**_: object) -> None:
    from operations.metrics import forget_this_process

    forget_this_process()
