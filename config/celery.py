"""The Celery application: settings come from Django's CELERY_* settings, tasks from each app's tasks.py."""
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_django_logging(**kwargs: object) -> None:
    """Keep Django's LOGGING (settings.py) in the worker too, so its secret-redacting filter applies."""
