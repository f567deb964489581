"""The Celery application: settings come from Django's CELERY_* settings, tasks from each app's tasks.py.

Its signals start each worker and beat process (infrastructure/process_start.py): importing does nothing else."""

import logging
import logging.config
import os

from celery import Celery, Task
from celery.signals import (
    beat_init,
    setup_logging,
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_shutdown,
    worker_shutdown,
)
from celery.worker import WorkController

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def route_to_declared_queue(
    name: str, args: object, kwargs: object, options: object, task: Task | None = None, **_: object
) -> dict[str, str] | None:
    """Each task declares its queue on itself (`queue_name=`); Celery 6 drops the `queue` task attribute, so
    this router (CELERY_TASK_ROUTES) reads it. A task sent by name alone is looked up."""
    declared = getattr(task or app.tasks.get(name), "queue_name", None)
    return {"queue": declared} if declared else None


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
def start_worker(sender: WorkController, **_: object) -> None:
    """The worker's process, before its pool starts: a threads pool runs the tasks in this process, with what
    is loaded here; a prefork pool forks its processes from it, which inherit it."""
    from django.conf import settings

    from infrastructure.process_start import start_process
    from infrastructure.process_tuning import freeze_loaded_objects

    start_process()
    serve_worker_metrics()
    # Imported once here, after start_process tuned llama.cpp's threads: forked pool processes share these
    # pages instead of each importing llama.cpp again.
    from agents import turns
    from agents.customer_language import preload_detector
    from agents.tasks import LLM_QUEUE

    threads = runs_on_threads(sender)
    concurrency = sender.concurrency  # type: ignore[attr-defined]  # celery-types leaves the pool's settings out
    if mismatch := pool_mismatch(threads, concurrency, settings.PARLEY_MODEL_SLOTS):
        logger.warning("%s", mismatch)
    if LLM_QUEUE in sender.app.amqp.queues.consume_from:
        # Loaded, never run, here (agents/llama_runtime.py): forked pool processes share the loaded model and
        # its zeroed KV cache until each writes its own cells. A business with a model or context of its own
        # still loads it in the process that uses it. A batched model's loop is a thread, which a fork
        # would not carry over: in a prefork pool each process then loads its own.
        if threads or not settings.PARLEY_MODEL_SLOTS:
            turns.preload_default_model()
        # Loading the language models takes seconds and some 200 MB (bench/results.md): once per worker.
        preload_detector()
    freeze_loaded_objects()


def runs_on_threads(worker: WorkController) -> bool:
    pool = worker.pool_cls  # type: ignore[attr-defined]  # a name, or the class once Celery has imported it
    return "thread" in (pool if isinstance(pool, str) else pool.__module__)


def pool_mismatch(threads: bool, concurrency: int, slots: int) -> str:
    """What is wrong with a worker's pool for its model slots: one slot per thread, or none."""
    if slots and not threads:
        return (
            f"PARLEY_MODEL_SLOTS={slots} in a prefork worker: each of its processes holds {slots} sequences' KV "
            "cache for one turn at a time; set PARLEY_MODEL_SLOTS=0 or PARLEY_WORKER_POOL=threads"
        )
    if threads and slots and slots != concurrency:
        return (
            f"PARLEY_MODEL_SLOTS={slots} for {concurrency} threads: "
            + ("turns beyond the slots wait for one" if slots < concurrency else "slots no thread fills hold memory")
            + "; set PARLEY_WORKER_CONCURRENCY rather than -c, and PARLEY_MODEL_SLOTS to the same number"
        )
    return ""


@beat_init.connect
def start_beat(**_: object) -> None:
    from infrastructure.process_start import start_process

    start_process()


def serve_worker_metrics() -> None:
    """A worker on another machine than the web server shows its metrics on its own port, when set."""
    from django.conf import settings
    from prometheus_client import start_http_server

    from infrastructure.metrics import scrape_registry

    if settings.PARLEY_WORKER_METRICS_PORT:
        start_http_server(
            settings.PARLEY_WORKER_METRICS_PORT, addr=settings.PARLEY_WORKER_METRICS_ADDRESS, registry=scrape_registry()
        )


@worker_process_shutdown.connect  # a prefork pool's process
@worker_shutdown.connect  # the worker's own process, where a threads pool ran its tasks
def forget_worker_process_metrics(**_: object) -> None:
    from infrastructure.metrics import forget_this_process

    forget_this_process()
