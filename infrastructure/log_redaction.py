"""A logging filter that removes secrets from every log line, exception tracebacks included.

Platform clients' errors quote URLs (Telegram puts the bot token in the path) and headers; a
secret in a log file is readable by everyone who can read the logs, so they are masked here, once,
whatever code logged them.
"""

from __future__ import annotations

import logging
import re

MASK = "[redacted]"
SECRET_NAMES = (
    r"access_token|app_secret|auth_token|bot_token|secret_token|verify_token|signing_secret|signing_key|server_api_key"
    r"|api_key|apikey|password|passwd|secret|token|authorization|x-hub-signature-256|x-twilio-signature"
    r"|x-telegram-bot-api-secret-token|x-parley-signature"
)
SECRET_PATTERNS = [
    # Telegram: https://api.telegram.org/bot<id>:<secret>/sendMessage
    re.compile(r"(bot\d{3,}:)[A-Za-z0-9_-]{10,}"),
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{6,}"),
    # name=value, "name": "value", name: value (query strings, JSON, dict reprs, headers).
    re.compile(rf"(?i)((?:{SECRET_NAMES})[\"']?\s*[:=]\s*[\"']?)(?!{re.escape(MASK)})[^\s\"'&,;}}]{{4,}}"),
    re.compile(r"(sha(?:1|256)=)[0-9a-fA-F]{16,}"),
]


def redact_secrets(text: str) -> str:
    for pattern in SECRET_PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact_secrets(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_secrets(record.exc_text)
        return True
