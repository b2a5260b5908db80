"""Whether product search can serve: the search index (Chroma) answers and holds article vectors.

The bot starts whatever the answer (``bot.application`` opens a Chroma server on the first search,
and every search tries it again): turns that do not search answer meanwhile, and search turns say
that search is unavailable. ``check_search`` is what the bot's warm-up tells the operator at start
(one warning line), what ``/stats`` shows and what ``reclmms stats --health`` reports; an empty index
is told as ``SearchEngine.missing_index`` tells it (``catalog/search.py``). A catalog without a search
engine (the tests' fakes) is ``unknown``. When fewer of the catalog's articles with an image have an
image vector than there are such articles (an image pass that was stopped), an ``ok`` index says how
many have one: a photo search looks among those only; so it does for text vectors. An index whose text
vectors (or, for a catalog with images, image vectors) another embedder than the configured one computed
is ``stale``: searches raise ``EmbedderChangedError`` until the ingest re-embeds it, and the detail says so
in the same words (both embedders, and what to do). An embedded index whose folder is not there is not opened
(that would make it anew): ``missing`` when the store records that the catalog was indexed
(``catalog.index_record``), else ``empty``; an empty one the store records as indexed says so too.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from catalog.index_record import emptied_index_message, index_noted, lost_index_message
from reclmms.errors import EmbedderChangedError, SearchUnavailableError
from reclmms.settings import Settings

CHECK_S = 5.0  # how long a check waits for the Chroma server (one that drops packets would hang it)


@dataclass(frozen=True, slots=True)
class SearchHealth:
    status: str  # "ok", "down", "empty", "missing" (the embedded index's folder), "stale" or "unknown"
    where: str = ""  # "the Chroma server at host:port" or "the embedded index"
    articles: int = 0  # article text vectors indexed (status "ok")
    detail: str = ""  # why it is down; what to do when it is empty or stale; when ok, vectors not all computed

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "unknown")

    def warning(self) -> str | None:
        """The operator's line at start when search cannot serve (or photo search sees only some articles), else None."""
        if self.status == "down":
            return f"{self.detail}; product search is unavailable until it answers (the bot answers the rest)"
        if self.status in ("stale", "missing"):
            return f"{self.detail}; until then product search is unavailable (the bot answers the rest)"
        if self.status == "empty" or (self.status == "ok" and self.detail):
            return self.detail
        return None

    def line(self) -> str:
        """For ``/stats``: "ok · 105542 articles (the Chroma server at ...)", "down (...)", "empty (...)";
        "ok · 17033 articles (...) · image vectors for 384 of 17033 articles with an image ..."."""
        if self.status == "ok":
            return f"ok · {self.articles} articles ({self.where})" + (f" · {self.detail}" if self.detail else "")
        if self.status == "unknown":
            return "not checked"
        return f"{self.status} ({self.detail})"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "where": self.where, "articles": self.articles, "detail": self.detail,
                "summary": self.line()}


async def check_search(catalog: Any, timeout_s: float = CHECK_S) -> SearchHealth:
    """Open the search index if it is not open yet and count its article text vectors (within
    ``timeout_s``). Never raises: a Chroma server that is down (or an index that fails otherwise) is
    the answer ``down``, with why."""
    engine = getattr(catalog, "search", None)
    vectors, connect = getattr(engine, "vectors", None), getattr(engine, "connect", None)
    if vectors is None or not callable(connect):
        return SearchHealth("unknown")
    server = getattr(vectors, "server", None)
    where = f"the Chroma server at {server}" if server else "the embedded index"
    settings = getattr(vectors, "settings", None)
    if server is not None or not isinstance(settings, Settings):
        settings = None  # the embedded index's settings: its folder, and the store's record of it
    if settings is not None and not vectors.opened and not (
            settings.chroma_path.exists() or settings.chroma_path.is_symlink()):
        return await _no_folder(settings, where)  # opening it would make it anew, empty

    async def count() -> tuple[int, str, str]:
        await connect()
        articles = int(await asyncio.to_thread(lambda: vectors.text.recent_count()))
        if not articles:
            return articles, "", ""
        stale = await _embedders_changed(engine, vectors)
        partial = "" if stale else "; ".join(
            bit for bit in (await _texts_detail(engine, articles), await _images_detail(engine, vectors)) if bit)
        return articles, stale, partial

    try:
        articles, stale, partial = await asyncio.wait_for(count(), timeout_s)
    except SearchUnavailableError as exc:
        return SearchHealth("down", where, detail=str(exc))
    except TimeoutError:
        return SearchHealth("down", where, detail=f"{where} did not answer within {timeout_s:g} s")
    except Exception as exc:  # noqa: BLE001 - a check reports, it never stops the bot or /stats
        return SearchHealth("down", where, detail=f"{where}: {type(exc).__name__}: {exc}")
    if articles == 0:
        if settings is not None and await asyncio.to_thread(index_noted, settings):
            return SearchHealth("empty", where, detail=emptied_index_message(settings))
        return SearchHealth("empty", where, detail=vectors.missing_index_message())
    if stale:
        return SearchHealth("stale", where, articles, stale)
    return SearchHealth("ok", where, articles, partial)


async def _no_folder(settings: Settings, where: str) -> SearchHealth:
    """The embedded index's folder is not there: ``missing`` when the store records that the catalog was indexed
    (the folder was deleted or moved), else ``empty`` (ingested with --no-index, most likely). Nothing is created."""
    if await asyncio.to_thread(index_noted, settings):
        return SearchHealth("missing", where, detail=lost_index_message(settings))
    return SearchHealth("empty", where, detail=(
        f"the catalog in {settings.data_dir} has no search index: its folder {settings.chroma_path} is not there "
        "(ingested with --no-index, or the folder was deleted?): run the same `reclmms ingest ...` again without "
        "--no-index to build it"))


async def _embedders_changed(engine: Any, vectors: Any) -> str:
    """What a search would say (``EmbedderChangedError``) of the text vectors, and of the image vectors when
    the catalog has articles with an image, computed with another embedder than the configured one; else ""."""
    collections = [vectors.text]
    count_with_images = getattr(getattr(engine, "articles", None), "count_with_images", None)
    if callable(count_with_images) and int(await count_with_images()):
        collections.append(vectors.image)
    said = []
    for collection in collections:
        try:
            if getattr(collection, "embedder_changed", False):
                await asyncio.to_thread(collection.check_embedder)
        except EmbedderChangedError as exc:
            said.append(str(exc))
    return "; ".join(said)


async def _texts_detail(engine: Any, indexed: int) -> str:
    """When fewer text vectors than catalog articles are there (a text pass that was stopped): how many; else ""."""
    count = getattr(getattr(engine, "articles", None), "count", None)
    if not callable(count):
        return ""
    articles = int(await count())
    if indexed >= articles:
        return ""
    return (f"text vectors for {indexed} of {articles} articles: a search looks among those only until the same "
            "`reclmms ingest ...` is run again to finish them")


async def _images_detail(engine: Any, vectors: Any) -> str:
    """When fewer of the catalog's articles with an image have an image vector than there are: how many do
    (the image vectors counted, at most the articles with an image); else ""."""
    count_with_images = getattr(getattr(engine, "articles", None), "count_with_images", None)
    if not callable(count_with_images):
        return ""
    pictured = int(await count_with_images())
    if pictured == 0:  # ingested without images: photo search is off, as asked
        return ""
    indexed = min(pictured, int(await asyncio.to_thread(lambda: vectors.image.recent_count())))
    if indexed >= pictured:
        return ""
    return (f"image vectors for {indexed} of {pictured} articles with an image: a photo search looks among "
            "those only until the same `reclmms ingest ...` with images is run again to finish them")
