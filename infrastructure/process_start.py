"""What a Parley process does once when it starts, so that importing a module does nothing of the kind.

The entry points call these: manage.py for commands, config/wsgi.py for the web server, config/celery.py's
signals for workers and beat, the tests' conftest.py and the bench's __main__.py for their own process.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from . import metrics, process_tuning


def start_process() -> None:
    """Every process: the folders it may write to, its metrics' files, and llama.cpp's threads tuned before
    anything loads llama.cpp."""
    make_var_folders()
    metrics.write_to_shared_directory()
    process_tuning.spin_llama_threads_briefly()


def start_web_process() -> None:
    """A web server process, before it serves its first request."""
    start_process()
    process_tuning.load_every_view()
    process_tuning.freeze_loaded_objects()


def make_var_folders() -> None:
    """The SQLite database's folder and the file broker's (settings.py's defaults without a server), where
    neither SQLite nor kombu makes one."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for option in ("data_folder_in", "data_folder_out", "control_folder"):
            Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[option]).mkdir(parents=True, exist_ok=True)
