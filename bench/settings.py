"""Parley's settings for the benchmarks: a bare view to compare the webhook with, Redis keys of its own,
and a webhook rate limit above the bench's load.

Only the benchmark's own processes use this module (DJANGO_SETTINGS_MODULE=bench.settings); production
and the tests never serve the bare view.
"""

from config.settings import *  # noqa: F403
from config.settings import CELERY_BROKER_TRANSPORT_OPTIONS, PARLEY_PLATFORM_API_HOSTS, REDIS_URL

ROOT_URLCONF = "bench.urls"

# The benchmark's broker keys carry their own prefix, so that it shares a Redis database with a
# test session without either taking the other's tasks.
BROKER_KEY_PREFIX = "parley-bench:"
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": BROKER_KEY_PREFIX}

# The ingest benchmark pours thousands of deliveries a minute into one connection, far over the
# production limit (600 a minute), which would answer them 429. The limit stays on, so that every
# delivery still pays for counting its hit, but is never reached.
WEBHOOK_RATE_LIMIT_PER_MINUTE = 1_000_000_000
# The overhead benchmark runs one business's turns back to back: the per-business cap stays on, so that
# every turn still pays for taking its start, but is never reached.
PARLEY_TURNS_PER_BUSINESS_PER_MINUTE = 1_000_000

# The bench's fake Graph API listens on 127.0.0.1: the connections' tokens may go there.
PARLEY_PLATFORM_API_HOSTS = [*PARLEY_PLATFORM_API_HOSTS, "127.0.0.1"]
