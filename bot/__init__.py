"""The Telegram bot: a python-telegram-bot v22 application over the shopping agent.

Public API::

    from bot import build_application, serve, running
"""

from bot.application import build_application, running, serve

__all__ = ["build_application", "running", "serve"]
