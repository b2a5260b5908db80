"""Keep the bot token out of every log line, tracebacks included."""

from __future__ import annotations

import logging


class TokenRedactor(logging.Filter):
    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secret:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "<token>"), None
        if record.exc_text and self.secret in record.exc_text:
            record.exc_text = record.exc_text.replace(self.secret, "<token>")
        return True


def install_redaction(secret: str, logger: logging.Logger | None = None) -> None:
    """Add a redacting filter to every handler of ``logger`` (default: the root logger)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, TokenRedactor) and f.secret == secret for f in handler.filters):
            handler.addFilter(TokenRedactor(secret))
