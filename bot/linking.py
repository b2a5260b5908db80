"""Private account linking: one-time, expiring, HMAC-signed codes.

A code is ``L`` + a random 16-character nonce + a 22-character HMAC-SHA256 tag, all in
Telegram's deep-link alphabet ``[A-Za-z0-9_-]`` and 39 characters long (the ``start``
payload may hold 64). The nonce is stored with the customer id and the expiry; the tag
signs all three, so a code can be neither guessed (128 random bits + a MAC) nor altered,
and redeeming it marks it used.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from bot.link_store import LinkStore
from reclmms.errors import LinkError, NotFoundError, describe_error, store_file_error
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

PREFIX = "L"
_CODE_RE = re.compile(r"^L([A-Za-z0-9_-]{16})([A-Za-z0-9_-]{22})$")
SECRET_FILE = "link_secret"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_SET_IT = "give a writable [storage] data_dir, or set RECLMMS_LINK_SECRET"
_REPLACE = ("restore it from a backup, or move it aside to have a new one generated (link codes and buttons "
            "already sent then stop working), or set RECLMMS_LINK_SECRET")


def load_link_secret(settings: Settings) -> bytes:
    """``RECLMMS_LINK_SECRET``, or a key generated once into ``data_dir/link_secret`` (mode 0600).

    A ``link_secret`` that cannot be used (a folder, unreadable, too short) is ``StoreError`` naming it: it is
    never replaced, since link codes and buttons already sent are signed with it."""
    if settings.secrets.link_secret is not None:
        return settings.secrets.link_secret.get_secret_value().encode()
    path = Path(settings.data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    except OSError as exc:  # no permission, a read-only file system
        raise store_file_error(path, f"cannot be created ({_reason(exc)})", _SET_IT) from None
    key = secrets.token_hex(32).encode()
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
    except OSError as exc:  # a full disk: an empty file would be "too short" on the next start
        path.unlink(missing_ok=True)
        raise store_file_error(path, f"cannot be written ({_reason(exc)})", _SET_IT) from None
    logger.info("generated a new account-link secret in %s", path)
    return key


def _reason(exc: OSError) -> str:
    return exc.strerror or describe_error(exc)


def _read_secret(path: Path) -> bytes:
    if path.is_dir():
        raise store_file_error(path, "is a folder, not the account-link secret", _REPLACE)
    try:
        key = path.read_bytes().strip()
    except OSError as exc:  # no permission, a link to nowhere, an I/O error
        if isinstance(exc, FileNotFoundError) and path.is_symlink():  # a secrets mount that is missing
            raise store_file_error(path, f"links to {os.readlink(path)}, which is not there",
                                   "restore that file, or set RECLMMS_LINK_SECRET") from None
        raise store_file_error(path, f"cannot be read ({_reason(exc)})",
                               "make it readable by this user, or set RECLMMS_LINK_SECRET") from None
    if len(key) < 32:
        raise store_file_error(path, "is too short to be an account-link secret", _REPLACE)
    return key


@dataclass(frozen=True, slots=True)
class LinkCode:
    code: str
    customer_id: str
    expires_at: float

    def deep_link(self, bot_username: str) -> str:
        return f"https://t.me/{bot_username.lstrip('@')}?start={self.code}"


class Linker:
    def __init__(self, store: LinkStore, secret: bytes, ttl_s: int) -> None:
        self._store = store
        self._secret = secret
        self._ttl_s = ttl_s

    def _tag(self, nonce: str, customer_id: str, expires_at: float) -> str:
        msg = f"{nonce}|{customer_id}|{int(expires_at)}".encode()
        return _b64(hmac.new(self._secret, msg, hashlib.sha256).digest()[:16])

    async def issue(self, customer_id: str, now: float | None = None) -> LinkCode:
        """A new code for a known customer. Raises NotFoundError for an unknown one."""
        customer_id = customer_id.strip()
        if not customer_id or not await self._store.customer_exists(customer_id):
            raise NotFoundError(f"unknown customer: {customer_id!r}")
        nonce = _b64(secrets.token_bytes(12))
        expires_at = float(int((now or time.time()) + self._ttl_s))
        await self._store.add_code(nonce, customer_id, expires_at)
        return LinkCode(PREFIX + nonce + self._tag(nonce, customer_id, expires_at), customer_id, expires_at)

    @staticmethod
    def looks_like_code(payload: str) -> bool:
        return bool(_CODE_RE.match(payload))

    async def redeem(self, code: str, user_id: int, now: float | None = None) -> str:
        """Link ``user_id`` to the code's customer and return the customer id.

        Raises LinkError (message fit for the user's log, never revealing a customer) when the
        code is malformed, forged, unknown, expired or already used.
        """
        match = _CODE_RE.match(code.strip())
        if not match:
            raise LinkError("malformed link code")
        nonce, tag = match.groups()
        row = await self._store.get_code(nonce)
        if row is None:
            raise LinkError("unknown link code")
        customer_id, expires_at, used_at = row
        if not hmac.compare_digest(tag, self._tag(nonce, customer_id, expires_at)):
            raise LinkError("forged link code")
        if used_at is not None:
            raise LinkError("link code already used")
        if (now or time.time()) >= expires_at:
            raise LinkError("link code expired")
        if not await self._store.redeem(nonce, user_id, customer_id):
            raise LinkError("link code already used")
        logger.info("linked telegram user %d to a customer account", user_id)
        return customer_id
