"""Small fakes with the same async API as CatalogService and ShoppingService (used until / besides
the real agent on the scripted backend)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

from PIL import Image

from agent.turn import ProductsReady, ReplyDelta, Session, TurnDone, TurnEvent, TurnResult
from catalog.models import Article, Purchase, SearchFilters, SearchHit
from reclmms.errors import SearchUnavailableError


def png_bytes(colour: str = "red", size: tuple[int, int] = (64, 64)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def make_articles(image_dir: Path) -> list[Article]:
    image_dir.mkdir(parents=True, exist_ok=True)
    items = [
        ("0100000001", "Summer Dress", "Dress", "Black", 29.99, "black"),
        ("0100000002", "Linen Dress", "Dress", "White", 39.5, "white"),
        ("0100000003", "Slim Jeans", "Trousers", "Blue", 24.0, "blue"),
        ("0100000004", "Knit Sweater", "Sweater", "Grey", 19.99, None),
        ("0100000005", "Tee <Basic> & Co", "T-shirt", "Red", 5.0, "red"),
        ("0100000006", "Midi Dress", "Dress", "Black", 12.0, "black"),
    ]
    out = []
    for aid, name, ptype, colour, price, img in items:
        path = None
        if img:
            path = image_dir / f"{aid}.png"
            path.write_bytes(png_bytes(img))
        out.append(Article(aid, name, product_type=ptype, colour=colour, price=price,
                           description=f"A {colour.lower()} {ptype.lower()}.",
                           image_path=str(path) if path else None))
    return out


class FakeCatalog:
    def __init__(self, articles: list[Article], purchases: dict[str, list[str]] | None = None) -> None:
        self.by_id = {a.article_id: a for a in articles}
        self.articles = articles
        self.purchases = purchases or {}
        self.search_down = False  # as the catalog is while its Chroma server cannot be reached

    async def article_ids(self) -> list[str]:
        return sorted(self.by_id)

    async def get_articles(self, article_ids: list[str]) -> list[Article]:
        return [self.by_id[i] for i in article_ids if i in self.by_id]

    async def similar_to(self, article_id: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        if self.search_down:
            raise SearchUnavailableError("chroma: cannot reach the Chroma server at 127.0.0.1:8000")
        base = self.by_id[article_id]
        hits = [a for a in self.articles if a.article_id != article_id and a.product_type == base.product_type]
        if filters and filters.max_price is not None:
            hits = [a for a in hits if a.price is not None and a.price <= filters.max_price]
        return [SearchHit(a, 1.0) for a in hits[:k]]

    async def purchase_history(self, customer_id: str, as_of: date | None = None, limit: int = 50) -> list[tuple[Purchase, Article]]:
        return [(Purchase(aid, date(2020, 9, 1), self.by_id[aid].price or 0.0), self.by_id[aid])
                for aid in self.purchases.get(customer_id, [])][:limit]


class FakeShoppingService:
    """Finds articles whose type or colour appears in the text; a photo gives dresses."""

    backend_name = "fake"

    def __init__(self, catalog: FakeCatalog, delay_s: float = 0.0) -> None:
        self.catalog = catalog
        self.delay_s = delay_s
        self.seen: list[tuple[Session, str, bytes | None]] = []
        self.resets: list[str] = []
        self.reply_override: dict[str, str] = {}
        self.recorded: list[tuple[str, list[str], str | None, str]] = []  # record_shown: session, ids, source, action

    async def stream(self, session: Session, text: str | None, photo: bytes | None = None) -> AsyncIterator[TurnEvent]:
        text = text or ""
        self.seen.append((session, text, photo))
        words = text.lower()
        if photo is not None:
            products = [a for a in self.catalog.articles if a.product_type == "Dress"]
        else:
            products = [a for a in self.catalog.articles
                        if a.product_type.lower() in words or a.colour.lower() in words][:5]
        calls = [{"name": "find_similar" if photo else "search_catalog",
                  "args": {"query": text, "colour": "black" if "black" in words else None}}]
        yield ProductsReady(products=products, tool_calls=calls, language="en")
        if "slow" in words:
            await asyncio.sleep(30)
        reply = self.reply_override.get(text) or (
            f"Here are {len(products)} picks for you." if products else "Nothing matched, sorry.")
        if "trickle" in words:
            reply = " ".join(f"word{i}" for i in range(14))
            for i in range(14):
                await asyncio.sleep(0.25)
                yield ReplyDelta(f"word{i} " if i < 13 else f"word{i}")
        else:
            for i in range(0, len(reply), 7):
                yield ReplyDelta(reply[i:i + 7])
        yield TurnDone(TurnResult(reply=reply, language="en", products=products, tool_calls=calls))

    async def ask(self, session: Session, text: str | None, photo: bytes | None = None) -> TurnResult:
        result = None
        async for ev in self.stream(session, text, photo):
            if isinstance(ev, TurnDone):
                result = ev.result
        assert result is not None
        return result

    async def record_shown(self, session: Session, articles: list[Article], *, source: str | None, action: str,
                           filters: dict[str, Any] | None = None) -> None:
        self.recorded.append((session.session_id, [a.article_id for a in articles], source, action))

    async def reset(self, session_id: str) -> None:
        self.resets.append(session_id)

    async def health(self) -> dict[str, Any]:
        return {"status": "ok"}
