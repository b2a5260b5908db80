"""The customer a terminal conversation was given, remembered across ``reclmms ask`` and ``chat`` runs.

``reclmms ask --session S --customer C`` links conversation S to customer C, so a later
``ask --session S`` without ``--customer`` still sees C's history; ``reclmms chat --session S`` reads
and writes the same link (``--customer C`` or ``/customer C`` links, ``/customer none`` unlinks), so
ask and chat share it. The link is a small file next to the session's lock (``reclmms.session_lock``),
written while the session's lock is held; ``--customer`` given again replaces it. Forgetting the
conversation (``--reset``, ``/reset``) keeps it. The Telegram bot never reads it: there, the account
link decides.
"""

from __future__ import annotations

import os
from pathlib import Path

from reclmms.session_lock import lock_path


def _path(data_dir: Path, session_id: str) -> Path:
    return lock_path(data_dir, session_id).with_suffix(".customer")


def remembered(data_dir: Path, session_id: str) -> str | None:
    """The customer id last given to ``session_id``, or None."""
    try:
        value = _path(data_dir, session_id).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return value or None


def remember(data_dir: Path, session_id: str, customer_id: str | None) -> None:
    """Link ``session_id`` to ``customer_id`` (None forgets the link); written atomically."""
    path = _path(data_dir, session_id)
    if customer_id is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(customer_id, encoding="utf-8")
    os.replace(tmp, path)
