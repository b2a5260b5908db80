"""A small in-memory catalog with the same async API as ``catalog.service.CatalogService``.

Search scores keyword overlap, with a tiny zh/es -> en dictionary so that cross-lingual
requests retrieve the same articles. Filters match the catalog vocabulary case-insensitively.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from catalog.models import Article, Purchase, Recommendation, SearchFilters, SearchHit
from catalog.search import MAX_QUERY_CHARS
from reclmms.errors import BadImageError, BadQueryError, NotFoundError

_TRANSLATE = {
    "连衣裙": "dress", "裙子": "skirt", "红色": "red", "红": "red", "蓝色": "blue", "黑色": "black",
    "白色": "white", "裤子": "trousers", "牛仔裤": "jeans", "毛衣": "sweater", "衬衫": "shirt",
    "夏季": "summer", "夏天": "summer", "vestido": "dress", "rojo": "red", "negro": "black", "azul": "blue",
}


def _articles() -> list[Article]:
    rows = [
        ("0100000001", "Sunny Midi Dress", "Dress", "Red", "Ladieswear", 29.99, "A light red midi dress for summer."),
        ("0100000002", "Breeze Wrap Dress", "Dress", "Blue", "Ladieswear", 34.99, "A blue wrap dress in soft viscose."),
        ("0100000003", "Poppy Slip Dress", "Dress", "Red", "Ladieswear", 19.99, "A red slip dress with thin straps."),
        ("0100000004", "Night Satin Dress", "Dress", "Black", "Ladieswear", 49.99, "A black satin evening dress."),
        ("0100000005", "Coral Shirt Dress", "Dress", "Red", "Ladieswear", 24.99, "A red shirt dress for summer days."),
        ("0100000006", "Harbor Denim Jeans", "Trousers", "Blue", "Menswear", 39.99, "Straight blue jeans in denim."),
        ("0100000007", "Slate Chino Trousers", "Trousers", "Black", "Menswear", 29.99, "Black chino trousers."),
        ("0100000008", "Cloud Knit Sweater", "Sweater", "White", "Ladieswear", 27.99, "A white knit sweater."),
        ("0100000009", "Ocean Knit Sweater", "Sweater", "Blue", "Menswear", 32.99, "A blue wool sweater."),
        ("0100000010", "Pebble Linen Shirt", "Shirt", "White", "Menswear", 22.99, "A white linen shirt for summer."),
        ("0100000011", "Ruby Pleated Skirt", "Skirt", "Red", "Ladieswear", 21.99, "A red pleated midi skirt."),
        ("0100000012", "Indigo Summer Dress", "Dress", "Blue", "Ladieswear", 14.99, "A blue summer dress, cotton."),
        ("0100000013", "Tiny Star Romper", "Romper", "Yellow", "Baby/Children", 9.99, "A yellow baby romper."),
        ("0100000014", "Ember Maxi Dress", "Dress", "Red", "Ladieswear", 39.99, "A long red maxi dress."),
        ("0100000015", "Lagoon Tiered Dress", "Dress", "Blue", "Ladieswear", 12.99, "A blue tiered dress."),
    ]
    return [
        Article(article_id=i, name=n, product_type=t, colour=c, colour_master=c, index_group=g, price=p,
                description=d, product_group="Garment", garment_group=t)
        for i, n, t, c, g, p, d in rows
    ]


def _tokens(text: str) -> set[str]:
    low = text.lower()
    for src, dst in _TRANSLATE.items():
        low = low.replace(src, f" {dst} ")
    words = set(re.findall(r"[a-z]+", low))
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words}


class FakeArticleStore:
    def __init__(self, articles: list[Article]) -> None:
        self._articles = articles

    async def iter_all(self, batch_size: int = 2000):  # type: ignore[no-untyped-def]
        yield list(self._articles)


class FakeCatalog:
    def __init__(self) -> None:
        self.items = _articles()
        self.by_id = {a.article_id: a for a in self.items}
        self.articles = FakeArticleStore(self.items)
        self.history: dict[str, list[tuple[Purchase, Article]]] = {
            "cust-a": [
                (Purchase("0100000006", date(2020, 9, 1), 39.99), self.by_id["0100000006"]),
                (Purchase("0100000009", date(2020, 8, 20), 32.99), self.by_id["0100000009"]),
            ],
            "cust-b": [(Purchase("0100000013", date(2020, 7, 2), 9.99), self.by_id["0100000013"])],
            "cust-c": [  # the same tee three times, newest first
                (Purchase("0100000010", date(2020, 9, 3), 22.99), self.by_id["0100000010"]),
                (Purchase("0100000004", date(2020, 8, 30), 49.99), self.by_id["0100000004"]),
                (Purchase("0100000010", date(2020, 8, 1), 22.99), self.by_id["0100000010"]),
                (Purchase("0100000010", date(2020, 6, 12), 22.99), self.by_id["0100000010"]),
            ],
        }
        self.calls: list[tuple[str, Any]] = []

    def _match(self, a: Article, f: SearchFilters) -> bool:
        for key in ("product_type", "colour", "index_group", "garment_group"):
            want = getattr(f, key)
            if want and getattr(a, key).lower() != want.lower():
                return False
        if f.min_price is not None and (a.price is None or a.price < f.min_price):  # as the catalog's: no price
            return False  # passes no price bound
        return not (f.max_price is not None and (a.price is None or a.price > f.max_price))

    async def get_articles(self, article_ids: list[str]) -> list[Article]:
        return [self.by_id[i] for i in article_ids if i in self.by_id]

    async def articles_of_products(self, codes: list[str]) -> dict[str, list[Article]]:
        """As the catalog's: by product code, a numeric one with or without its leading zeros, in id order."""
        def same(own: str, code: str) -> bool:
            return own == code or (own.isdigit() and code.isdigit() and int(own) == int(code))

        return {code: sorted((a for a in self.items if a.product_code and same(a.product_code, code)),
                             key=lambda a: a.article_id) for code in codes}

    async def search_text(self, query: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        self.calls.append(("search_text", (query, filters)))
        if not query.strip() or len(query) > MAX_QUERY_CHARS:  # as the real search engine
            raise BadQueryError(f"the search query is empty or too long ({len(query)} characters)")
        f = filters or SearchFilters()
        q = _tokens(query)
        hits = []
        for a in self.items:
            if not self._match(a, f):
                continue
            words = _tokens(f"{a.name} {a.product_type} {a.colour} {a.description}")
            score = len(q & words) / (len(q) or 1)
            if score > 0 or not q:
                hits.append(SearchHit(a, score))
        hits.sort(key=lambda h: (-h.score, h.article.article_id))
        return hits[:k]

    async def photo_search_available(self) -> bool:
        return True

    async def search_photo(self, photo: bytes, filters: SearchFilters | None = None, k: int = 10,
                           text: str | None = None) -> list[SearchHit]:
        self.calls.append(("search_photo", (len(photo), filters)))
        if text is not None and len(text) > MAX_QUERY_CHARS:
            raise BadQueryError("the caption is too long")
        if not photo.startswith((b"\x89PNG", b"\xff\xd8")):
            raise BadImageError("that file is not an image I can read (PNG, JPEG or WebP up to 20 MB)")
        f = filters or SearchFilters()
        return [SearchHit(a, 1.0) for a in self.items if self._match(a, f) and a.product_type == "Dress"][:k]

    async def similar_to(self, article_id: str, filters: SearchFilters | None = None, k: int = 10) -> list[SearchHit]:
        self.calls.append(("similar_to", (article_id, filters)))
        if article_id not in self.by_id:  # as the catalog's search says it
            raise NotFoundError(f"no article with id '{article_id}'")
        base = self.by_id[article_id]
        f = filters or SearchFilters()
        hits = [SearchHit(a, 1.0 if a.product_type == base.product_type else 0.1) for a in self.items
                if a.article_id != article_id and self._match(a, f)]
        hits.sort(key=lambda h: (-h.score, h.article.article_id))
        return hits[:k]

    async def purchase_history(self, customer_id: str, as_of: date | None = None,
                               limit: int = 50) -> list[tuple[Purchase, Article]]:
        self.calls.append(("purchase_history", customer_id))
        rows = self.history.get(customer_id, [])
        return [row for row in rows if as_of is None or row[0].t_dat < as_of][:limit]  # as the catalog's

    async def popular(self, start: date | None = None, end: date | None = None, k: int = 12,
                      filters: SearchFilters | None = None) -> list[tuple[Article, int]]:
        """The catalog's order is the sales order; ``filters`` keep the articles that pass them, as the catalog's."""
        self.calls.append(("popular", filters))
        kept = [a for a in self.items if filters is None or self._match(a, filters)]
        return [(a, 10 - i) for i, a in enumerate(kept[:k])]

    async def recommend(self, customer_id: str, as_of: date | None = None, k: int = 12) -> list[Recommendation]:
        self.calls.append(("recommend", customer_id))
        if customer_id not in self.history:
            return []
        ids = ["0100000009", "0100000007", "0100000010", "0100000006", "0100000008", "0100000002"]
        return [Recommendation(self.by_id[i], 1.0 - n / 10, ("copurchase",), "bought together") for n, i in
                enumerate(ids)][:k]

    async def vocabulary(self, field: str) -> list[str]:
        if field not in ("product_type", "colour", "index_group", "garment_group", "section", "colour_master"):
            raise ValueError(field)
        return sorted({getattr(a, field) for a in self.items if getattr(a, field)})


def dress_colourways(code: str, name: str, colours: dict[str, str], price: float) -> list[Article]:
    """One Ladieswear dress (product ``code``) in several colourways: article id -> colour."""
    return [Article(article_id=article_id, product_code=code, name=name, product_type="Dress", colour=colour,
                    colour_master=colour, index_group="Ladieswear", price=price,
                    description=f"A {colour.lower()} {name.lower()}.", product_group="Garment", garment_group="Dress")
            for article_id, colour in colours.items()]

