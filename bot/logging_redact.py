"""Log lines kept clean: the bot token out of every one, tracebacks included; and a Bot API
answer that is not JSON in one short warning line.

python-telegram-bot logs such an answer (a proxy's HTML error page, a body cut short) at error
level with a traceback and the whole body, on every call that gets one; the call then fails with
an error of its own that the bot reports (``bot.retrying``, ``bot.handlers.on_error``).
``OneLineInvalidJson`` makes that record one warning line, the body shortened.
"""

from __future__ import annotations

import logging

PTB_REQUEST_LOGGER = "telegram.request.BaseRequest"  # where PTB logs an answer it cannot parse
INVALID_JSON = "Can not load invalid JSON data"  # how its record begins
BODY_CHARS = 100  # what a log line keeps of the body


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


def shortened(body: str, limit: int = BODY_CHARS) -> str:
    """``body`` on one line, its whitespace collapsed, cut to ``limit`` characters."""
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class OneLineInvalidJson(logging.Filter):
    """PTB's record of a Bot API answer that is not JSON: a warning, without the traceback of the
    JSON parser, the body on one line and shortened. Other records pass as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(INVALID_JSON):
            return True
        body = record.args[0] if isinstance(record.args, tuple) and record.args else ""
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.msg, record.args = "the Bot API answered with something that is not JSON: %r", (shortened(str(body)),)
        record.exc_info, record.exc_text = None, None
        return True


def install_redaction(secret: str, logger: logging.Logger | None = None) -> None:
    """Add a redacting filter to every handler of ``logger`` (default: the root logger), and
    ``OneLineInvalidJson`` to PTB's request logger (once)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, TokenRedactor) and f.secret == secret for f in handler.filters):
            handler.addFilter(TokenRedactor(secret))
    ptb = logging.getLogger(PTB_REQUEST_LOGGER)
    if not any(isinstance(f, OneLineInvalidJson) for f in ptb.filters):
        ptb.addFilter(OneLineInvalidJson())
