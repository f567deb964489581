"""Parley's settings for the benchmarks: a bare view to compare the webhook with, and Redis keys of its own.

Only the benchmark's own processes use this module (DJANGO_SETTINGS_MODULE=bench.settings); production
and the tests never serve the bare view.
"""
from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, REDIS_URL

ROOT_URLCONF = "bench.urls"

# The benchmark's broker keys carry their own prefix, so that it shares a Redis database with a
# test session without either taking the other's tasks.
BROKER_KEY_PREFIX = "parley-bench:"
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": BROKER_KEY_PREFIX}
