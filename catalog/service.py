"""The async catalog API that the agent's tools, the bot and the CLI call.

``CatalogService`` is a thin facade over the components that do the work:

- ``ArticleStore``   (catalog/articles.py)   article rows in SQLite, vocabularies
- ``SearchEngine``   (catalog/search.py)     text / photo / similar search over Chroma
- ``HistoryStore``   (catalog/history.py)    per-customer purchase history in SQLite
- ``Analytics``      (catalog/analytics.py)  popularity and co-purchase "as of" a date (DuckDB)
- ``Recommender``    (catalog/recommend.py)  PALR-style candidates and ranking

None of its methods block the event loop: CPU-bound work runs in worker threads.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from catalog.models import Article, Purchase, Recommendation, SearchFilters, SearchHit

if TYPE_CHECKING:
    from catalog.analytics import Analytics
    from catalog.articles import ArticleStore
    from catalog.history import HistoryStore
    from catalog.recommend import Recommender
    from catalog.search import SearchEngine


class CatalogService:
    def __init__(
        self,
        articles: ArticleStore,
        search: SearchEngine,
        history: HistoryStore,
        analytics: Analytics,
        recommender: Recommender,
    ) -> None:
        self.articles = articles
        self.search = search
        self.history = history
        self.analytics = analytics
        self.recommender = recommender

    async def article_ids(self) -> list[str]:
        """Every article id of the catalog (105,542 for the H&M one: about 8 MB of strings)."""
        return await self.articles.ids()

    async def get_articles(self, article_ids: list[str]) -> list[Article]:
        """Articles by id, in the order given; unknown ids are skipped."""
        return await self.articles.get_many(article_ids)

    async def articles_of_products(self, codes: list[str]) -> dict[str, list[Article]]:
        """Each product code's articles (all its colours), in id order; a code given with or without its
        leading zeros ("0512466", "512466") finds the same; an unknown code maps to no articles."""
        return await self.articles.of_products(codes)

    async def search_text(
        self, query: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[SearchHit]:
        """Semantic text search (any language) with hard metadata filters."""
        return await self.search.text(query, filters or SearchFilters(), k)

    async def search_photo(
        self, photo: bytes, filters: SearchFilters | None = None, k: int = 10, text: str | None = None
    ) -> list[SearchHit]:
        """Look-alikes of a photo; ``text`` (a caption) may refine the ranking."""
        return await self.search.photo(photo, filters or SearchFilters(), k, text=text)

    async def photo_search_available(self) -> bool:
        """Whether a photo has anything to be compared with (article images indexed): not after an ingest
        without images, when a photo search raises NoImageIndexError."""
        return await self.search.images_searchable()

    async def similar_to(
        self, article_id: str, filters: SearchFilters | None = None, k: int = 10
    ) -> list[SearchHit]:
        """Articles that look like / are described like ``article_id`` (itself excluded)."""
        return await self.search.similar(article_id, filters or SearchFilters(), k)

    async def purchase_history(
        self, customer_id: str, as_of: date | None = None, limit: int = 50
    ) -> list[tuple[Purchase, Article]]:
        """A customer's purchases strictly before ``as_of`` (all when None), newest first."""
        return await self.history.purchases(customer_id, as_of=as_of, limit=limit)

    async def popular(
        self, start: date | None = None, end: date | None = None, k: int = 12, filters: SearchFilters | None = None
    ) -> list[tuple[Article, int]]:
        """Best sellers with ``start <= t_dat < end``; by default the last 7 days of data. ``filters`` (kind,
        colour, index group: "best sellers for men") keep the articles that pass them, in the same order."""
        return await self.analytics.popular(start=start, end=end, k=k, filters=filters)

    async def recommend(
        self, customer_id: str, as_of: date | None = None, k: int = 12
    ) -> list[Recommendation]:
        """PALR-style candidates ranked for a customer, using only data before ``as_of``."""
        return await self.recommender.recommend(customer_id, as_of=as_of, k=k)

    async def vocabulary(self, field: str) -> list[str]:
        """The catalog's own values for a filter field (e.g. all colour names)."""
        return await self.articles.vocabulary(field)
