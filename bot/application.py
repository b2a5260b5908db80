"""The bot's composition root: ``build_application(settings)`` → a python-telegram-bot ``Application``.

Services (catalog, agent) and the bot's stores open in ``post_init`` and close in
``post_shutdown``. ``serve()`` runs it with long polling or a webhook until a stop signal, or
until polling ends for good (``bot.stopping``); ``running()`` runs it inside an existing event
loop (``serve``, tests, benches).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers, photos
from bot.api_check import api_error, check_bot_api
from bot.callbacks import on_button
from bot.i18n import LANGUAGES, lang_of, t
from bot.linking import SECRET_FILE, Linker, load_link_secret
from bot.logging_redact import install_redaction
from bot.pending import Pending, PendingTurns, describe
from bot.rendering import ButtonSigner, esc
from bot.retrying import OUTAGE_S, RetryingRateLimiter, TokenRejected
from bot.runtime import RUNTIME_KEY, BotRuntime, ChatTurns, RateLimiter
from bot.sending import reply_kwargs, send_html
from bot.serve_lock import serving_alone
from bot.stopping import Stopper, stop_signals
from bot.store import LinkStore, MetricsStore, UpdateLog, UserStore, ensure_bot_schema
from bot.updates_outage import PatientUpdates
from bot.updates_request import ReadableUpdates
from bot.warmup import WarmUp
from reclmms.errors import ConfigError
from reclmms.settings import Settings

logger = logging.getLogger(__name__)


def _polling_failed(error: TelegramError) -> None:
    """A failed getUpdates that polling retries (an outage, a 5xx): one line each, not PTB's traceback. A 409
    Conflict is not: ``ReadableUpdates`` told it once (``bot.polling_conflict``)."""
    if isinstance(error, Conflict):
        logger.debug("getUpdates: %s", error.message)
        return
    name = type(error).__name__
    said = error.message if error.message.startswith(f"{name}:") else f"{name}: {error.message}"
    logger.warning("getUpdates failed, retrying: %s", said)

ServicesFactory = Callable[[Settings], AbstractAsyncContextManager[Any]]
BOT_COMMANDS = ("start", "help", "reset", "history", "cancel")
POLL_TIMEOUT_S = 10.0  # getUpdates' long-poll timeout under serve (python-telegram-bot's default)
CONVERSATIONS_CHECK_S = 10.0  # the start's whole-file check of conversations.sqlite3 (about 400 MB a second)


class WebhookRefused(Exception):
    """Telegram answered ``setWebhook`` with a 400: it will not send updates to the webhook URL
    (an http:// URL, a port it does not send to, a host it cannot resolve, a bad secret token)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"Telegram refused the webhook URL {url}: {reason}")
        self.url, self.reason = url, reason


def _default_services(settings: Settings) -> AbstractAsyncContextManager[Any]:
    """``open_services``; a Chroma server is reached on the first search, not at start, so the bot serves
    while it is down (``catalog.search_health`` tells the operator, search turns say search is unavailable,
    and the next search tries the server again). The embedded index opens at start, as for ``ask``."""
    from reclmms.app import open_services

    return open_services(settings, search_at_start=settings.chroma.mode != "http")


def bot_token(settings: Settings) -> str:
    secret = settings.secrets.telegram_token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise ConfigError(
            "RECLMMS_TELEGRAM_TOKEN is not set: create a bot with @BotFather and export its token"
        )
    return token


async def set_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu, in English by default and in each translated language (the calls at once; one
    that fails is logged, and the bot serves without it)."""

    async def one(lang: str) -> None:
        commands = [BotCommand(name, t(lang, f"cmd_{name}")) for name in BOT_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=None if lang == "en" else lang)

    results = await asyncio.gather(*(one(lang) for lang in LANGUAGES), return_exceptions=True)
    failed = [(lang, r) for lang, r in zip(LANGUAGES, results, strict=True) if isinstance(r, Exception)]
    if failed:  # the menu is a convenience: the bot serves without it
        logger.warning("command menu not set for %s: %s", ", ".join(lang for lang, _ in failed), failed[0][1])


async def give_up(app: Application, rt: BotRuntime, row: Pending) -> None:  # type: ignore[type-arg]
    """A message accepted before a crash that will not run again: ask the shopper to resend it
    (in the background, so that a start never waits on Telegram)."""
    lang = lang_of(row.language_code)
    reply: dict[str, Any] = {}
    try:
        update = Update.de_json(json.loads(row.update_json), app.bot)
        what, reply = describe(update, lang), reply_kwargs(update.effective_message)
    except Exception:  # noqa: BLE001 - the note goes out with a generic description
        what = t(lang, "msg_quoted", quote=row.summary)

    async def send() -> None:
        try:
            await send_html(app.bot, row.chat_id, esc(t(lang, "restart_lost", what=what)), **reply)
        except TelegramError as exc:  # the Bot API failed past the retries: one line, as for any answer lost
            logger.warning("could not tell chat %d to resend a message (%s: %s)", row.chat_id, type(exc).__name__, exc)
        except Exception:  # noqa: BLE001
            logger.warning("could not tell chat %d to resend a message", row.chat_id, exc_info=True)

    task = asyncio.create_task(send())
    rt.background.add(task)
    task.add_done_callback(rt.background.discard)


def build_application(
    settings: Settings,
    services_factory: ServicesFactory | None = None,
    *,
    overall_max_rate: float = 30.0,
    max_retries: int = 3,
    connection_pool_size: int = 64,
    http_client: str = "aiohttp",
    on_invalid_token: TokenRejected | None = None,
    outage_s: float = OUTAGE_S,
) -> Application:  # type: ignore[type-arg]
    """Build the bot. ``services_factory(settings)`` is an async context manager yielding
    ``reclmms.app.Services`` (default: ``open_services``); ``overall_max_rate`` is the
    rate limiter's bot-wide messages per second (0 turns it off, e.g. for a local server) and
    ``max_retries`` how often it waits out a 429; transient failures (5xx, network errors,
    timeouts) are retried too, and calls that cannot reach the Bot API for up to ``outage_s``
    (``bot.retrying``).

    ``http_client`` is ``"aiohttp"`` (``bot.aiohttp_request.AiohttpRequest``, the default: its
    connection pool stays cheap under many concurrent turns, see bench/bot_load.py) or ``"httpx"``
    (PTB's own ``HTTPXRequest``). ``on_invalid_token(error, method)`` is told when a Bot API call
    finds the token rejected: PTB's polling has then ended for good, or will, and nothing the bot
    sends arrives (``bot.stopping``)."""
    token = bot_token(settings)
    install_redaction(token)
    factory = services_factory or _default_services
    stack = contextlib.AsyncExitStack()

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        services = await stack.enter_async_context(factory(settings))
        await ensure_bot_schema(services.db)
        secret = load_link_secret(settings)
        links = LinkStore(services.db)
        metrics = MetricsStore(services.db)
        updates = UpdateLog(services.db)
        await updates.load()
        metrics.also_flush.append(updates.flush)
        metrics.start()
        stack.push_async_callback(metrics.close)
        pending = PendingTurns(services.db)
        stack.push_async_callback(pending.close)
        me = app.bot.bot
        app.bot_data[RUNTIME_KEY] = rt = BotRuntime(
            settings=settings,
            services=services,
            users=UserStore(services.db),
            links=links,
            metrics=metrics,
            updates=updates,
            pending=pending,
            linker=Linker(links, secret, settings.linking.code_ttl_s),
            signer=ButtonSigner(hmac.new(secret, b"inline-buttons", hashlib.sha256).digest()),
            bot_username=me.username or "",
            bot_id=me.id,
            turns=ChatTurns(),
            limiter=RateLimiter(settings.telegram.rate_limit_per_minute),
            warmup=WarmUp(services),
        )
        rt.warmup.start()  # in the background: polling starts at once

        async def resume(update: Update) -> None:
            await updates.claim(update.update_id)  # a copy that Telegram sends again is skipped
            await app.update_queue.put(update)

        async def recover() -> None:  # messages accepted before a crash go first in the queue
            await pending.recover(app.bot, resume, lambda row: give_up(app, rt, row))

        async def adopt_orphans() -> None:  # rows left by another process that is gone
            if app.running:
                await recover()

        await recover()
        pending.start(adopt_orphans)
        await set_commands(app)
        logger.info("bot @%s ready (LLM backend: %s)", me.username, getattr(services.agent, "backend_name", "?"))

    async def post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
        rt = app.bot_data.pop(RUNTIME_KEY, None)
        if rt is not None:
            await rt.warmup.close()
            rt.media.close()
        await stack.aclose()

    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram.base_url)
        .base_file_url(settings.telegram.base_file_url)
        .concurrent_updates(True)
        .rate_limiter(RetryingRateLimiter(overall_max_rate=overall_max_rate, max_retries=max_retries,
                                          outage_s=outage_s, on_token_rejected=on_invalid_token))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if http_client == "aiohttp":
        from bot.aiohttp_request import AiohttpRequest

        patient = PatientUpdates(AiohttpRequest(connection_limit=2))
        builder = builder.request(AiohttpRequest(connection_limit=connection_pool_size))
    else:
        from telegram.request import HTTPXRequest

        patient = PatientUpdates(HTTPXRequest())
        builder = builder.connection_pool_size(connection_pool_size).pool_timeout(30.0)
    app = builder.get_updates_request(ReadableUpdates(patient, on_invalid_token)).build()
    updater = app.updater
    patient.polling = lambda: updater is not None and updater.running  # a getUpdates outage is waited out
    register_handlers(app)
    return app


def retrying_limiter(app: Application) -> RetryingRateLimiter:  # type: ignore[type-arg]
    """The rate limiter that ``build_application`` gave ``app``'s bot: every Bot API call but getUpdates passes it."""
    limiter = app.bot.rate_limiter
    assert isinstance(limiter, RetryingRateLimiter)
    return limiter


def register_handlers(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, handlers.ignore_senderless), group=-3)
    app.add_handler(TypeHandler(Update, handlers.claim_update), group=-2)
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.on_edited))
    for name, command in (("start", handlers.start), ("help", handlers.help_), ("reset", handlers.reset),
                          ("history", handlers.history), ("cancel", handlers.cancel)):
        app.add_handler(CommandHandler(name, handlers.command(command)))
    app.add_handler(CommandHandler("stats", handlers.stats))  # silent in groups, then rate-limited
    app.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.PHOTO | filters.Document.IMAGE, photos.on_photo))
    app.add_handler(MessageHandler(filters.Document.ALL, photos.on_other_document))
    app.add_handler(MessageHandler(filters.TEXT, handlers.on_text))
    app.add_handler(MessageHandler(filters.ALL, handlers.on_unsupported))
    app.add_error_handler(handlers.on_error)


@contextlib.asynccontextmanager
async def running(
    app: Application,  # type: ignore[type-arg]
    poll_timeout: float = 1.0,
    *,
    webhook_url: str | None = None,
    listen: str = "127.0.0.1",
    port: int = 8443,
    secret_token: str | None = None,
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Run ``app`` inside the current event loop, as ``run_polling``/``run_webhook`` would:
    long polling, or a webhook server when ``webhook_url`` is given. Its stores and services are
    closed on the way out whatever happened, even when polling had ended on an error: an open
    SQLite connection's thread would keep the process alive."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        assert app.updater is not None
        if webhook_url:
            try:
                await app.updater.start_webhook(
                    listen=listen,
                    port=port,
                    url_path=urlparse(webhook_url).path.lstrip("/"),
                    webhook_url=webhook_url,
                    secret_token=secret_token,
                    allowed_updates=Update.ALL_TYPES,
                )
            except BadRequest as exc:  # the Bot API was reached, and said no
                raise WebhookRefused(webhook_url, exc.message) from None
        else:
            await app.updater.start_polling(
                poll_interval=0.0,
                timeout=timedelta(seconds=poll_timeout),
                allowed_updates=Update.ALL_TYPES,
                error_callback=_polling_failed,
            )
        await app.start()
        try:
            yield app
        finally:
            try:
                # PTB's polling task re-raises the InvalidToken it ended on; it was logged then
                with contextlib.suppress(InvalidToken):
                    await app.updater.stop()
            finally:
                await app.stop()
    finally:
        try:
            await app.shutdown()
        finally:
            if app.post_shutdown is not None:
                await app.post_shutdown(app)


async def serve_until_stopped(
    app: Application,  # type: ignore[type-arg]
    stopper: Stopper,
    serving: str = "serving",
    **how: Any,
) -> InvalidToken | None:
    """``running(app, **how)`` until a stop signal (``None``) or until polling ends for good (its
    error). ``serving`` is logged once it runs (stores and services open, polling or the webhook started):
    a start-up failure never follows it in the log."""
    with stop_signals(stopper.request):
        async with running(app, **how):
            logger.info("%s", serving)
            return await stopper.wait()


def check_store_files(settings: Settings) -> None:
    """The data dir's files that the bot opens as it starts, checked read only (nothing is created or changed):
    the catalog's store and the conversations' (``catalog.db.check_sqlite_file``: a folder, not a database,
    damaged, not writable), the search index's folder (a file there), and the account-link secret when it is
    there. A broken one is ``StoreError`` naming it and what to do, as the open would say it, but before the Bot
    API is asked anything.

    The conversations' file is also checked whole (``PRAGMA quick_check``, within ``CONVERSATIONS_CHECK_S``):
    every turn reads and writes it, so a damaged page anywhere in it would fail every turn after its cards
    (the catalog's store is read as it opens; a page of it found damaged later names the file then)."""
    from catalog.db import CATALOG_REMEDY, CHECKPOINTS_REMEDY, check_sqlite_file, find_damaged
    from catalog.vectors import check_chroma_dir

    check_sqlite_file(settings.sqlite_path, CATALOG_REMEDY)
    check_sqlite_file(settings.checkpoints_path, CHECKPOINTS_REMEDY)
    damaged = find_damaged([(settings.checkpoints_path, CHECKPOINTS_REMEDY)], budget_s=CONVERSATIONS_CHECK_S)
    if damaged is not None:
        raise damaged
    check_chroma_dir(settings)
    secret = settings.data_dir / SECRET_FILE
    if settings.secrets.link_secret is None and (secret.exists() or secret.is_symlink()):
        load_link_secret(settings)  # it is there, so it is only read: a new one is made only as the bot starts


def serve(settings: Settings, mode: str | None = None, services_factory: ServicesFactory | None = None) -> None:
    """Run the bot until SIGINT, SIGTERM or SIGHUP: long polling (default) or a webhook. A data dir with no
    catalog or a broken store file (``check_store_files``) stops it with one line before the Bot API is asked.
    So does another process serving this bot from this data dir (``bot.serve_lock``), naming its pid.
    A token the Bot API rejects, an API that cannot be reached, or a webhook URL or secret token Telegram refuses (or
    would: ``Settings.check_webhook``, in webhook mode only) stops it at once with ``ConfigError``; so
    does a token rejected later on, while polling (python-telegram-bot would stop polling for good)."""
    stopper = Stopper()
    app = build_application(settings, services_factory, on_invalid_token=stopper.fail)
    stopper.watch(retrying_limiter(app))  # a stop cuts its flood waits short, and says which calls it waits for
    token = bot_token(settings)
    mode = mode or settings.telegram.mode
    cfg = settings.telegram
    secret = settings.secrets.telegram_webhook_secret
    if mode == "webhook":  # only here: polling and the other commands never use these settings
        if not cfg.webhook_url:
            raise ConfigError("telegram.webhook_url must be set for webhook mode (RECLMMS_TELEGRAM_WEBHOOK_URL)")
        if secret is None:
            raise ConfigError("RECLMMS_TELEGRAM_WEBHOOK_SECRET must be set for webhook mode")
        settings.check_webhook()
    if services_factory is None:  # the default services read the catalog in the data dir
        from reclmms.cli import require_store

        require_store(settings)  # none there: one line, before anything is created or the Bot API is asked
        check_store_files(settings)  # one broken: one line naming it, before the Bot API is asked too
    with serving_alone(settings.data_dir, token):  # this bot served here already: one line, the other's pid
        _serve_checked(settings, app, stopper, mode, token)


def _serve_checked(settings: Settings, app: Application, stopper: Stopper, mode: str,  # type: ignore[type-arg]
                   token: str) -> None:
    """``serve`` once its checks passed: the Bot API's, then the bot until it stops."""
    cfg = settings.telegram
    secret = settings.secrets.telegram_webhook_secret
    asyncio.run(check_bot_api(settings, token))
    how: dict[str, Any]
    if mode == "webhook":
        assert secret is not None
        serving = f"serving by webhook on {cfg.webhook_listen}:{cfg.webhook_port}"
        how = {"webhook_url": cfg.webhook_url, "listen": cfg.webhook_listen, "port": cfg.webhook_port,
               "secret_token": secret.get_secret_value()}
    else:
        serving = "serving by long polling"
        how = {"poll_timeout": POLL_TIMEOUT_S}
    try:
        error = asyncio.run(serve_until_stopped(app, stopper, serving, **how))
    except WebhookRefused as exc:  # one line: Telegram's reason, and the setting to check
        if "secret" in exc.reason.lower():
            raise ConfigError(f"Telegram refused the webhook's secret token: {exc.reason} "
                              "(check RECLMMS_TELEGRAM_WEBHOOK_SECRET)") from None
        raise ConfigError(f"{exc.args[0].replace(token, '<token>')} "
                          "(check [telegram] webhook_url / RECLMMS_TELEGRAM_WEBHOOK_URL)") from None
    except (InvalidToken, NetworkError) as exc:  # the API went away between the check and the start
        raise api_error(exc, cfg.base_url, token) from None
    except OSError as exc:  # the webhook's port is taken, or the address is not this machine's
        if mode != "webhook":
            raise
        raise ConfigError(f"cannot listen for the webhook on {cfg.webhook_listen}:{cfg.webhook_port}: "
                          f"{exc.strerror or exc}") from None
    if error is not None:
        what = "polling stopped" if stopper.method == "getUpdates" else f"stopped ({stopper.method})"
        raise ConfigError(f"{what}: {api_error(error, cfg.base_url, token)}")
