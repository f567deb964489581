"""The Celery application: settings come from Django's CELERY_* settings, tasks from each app's tasks.py."""
import logging.config
import os

from celery import Celery, Task
from celery.signals import setup_logging, task_postrun, task_prerun, worker_init, worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**_: object) -> None:
    """Workers log like the web server (format, ids of the turn, secrets redacted) instead of Celery's own set-up."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender: Task, **_: object) -> None:
    """What Django does before and after each request (CELERY_DB_REUSE_MAX in settings.py): a
    connection past its age, or one that failed, is closed; a kept one is checked before its first use."""
    if sender.request.is_eager:
        return  # run inside the caller's own request or transaction
    from django.db import close_old_connections

    close_old_connections()


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
