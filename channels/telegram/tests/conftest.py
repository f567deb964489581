# Pytest finds fixtures by name: the end-to-end test in tests/ imports the same ones.
from .support import fake_platform, post_update, telegram_connection  # noqa: F401
