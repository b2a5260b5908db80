"""SearchEngine on the shared demo catalog: text, filters vs brute force, photo, similar, errors."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import numpy as np
import pytest
import pytest_asyncio
from PIL import Image

import catalog.search_index as search_index
from catalog.models import SearchFilters
from reclmms.app import open_catalog
from reclmms.errors import BadImageError, BadQueryError, NotFoundError
from reclmms.settings import Settings

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cat(demo_catalog: Settings):  # type: ignore[no-untyped-def]
    """One opened catalog for the whole module (embedders load once)."""
    async with open_catalog(demo_catalog) as (_, service):
        yield service


async def _brute_force(cat, query: str, keep) -> list[str]:  # type: ignore[no-untyped-def]
    """Exact top ids: every indexed article that passes ``keep``, scored with numpy."""
    engine = cat.search
    ids, matrix = engine.vectors.text.all_vectors()
    arts = {a.article_id: a for a in await cat.get_articles(ids)}
    q = engine.text_embedder.embed([query])[0]
    scored = sorted(((float(matrix[i] @ q), a) for i, a in enumerate(ids) if a in arts and keep(arts[a])), reverse=True)
    return [a for _, a in scored]


async def test_text_search_any_language(cat) -> None:  # type: ignore[no-untyped-def]
    en = await cat.search_text("red dress", None, 5)
    zh = await cat.search_text("红色连衣裙", None, 5)
    assert len(en) == 5 and len(zh) == 5
    assert all(-1.0 <= h.score <= 1.0 for h in en)
    assert [h.score for h in en] == sorted((h.score for h in en), reverse=True)
    assert "red" in (en[0].article.colour + en[0].article.colour_master).lower()
    assert {h.article.article_id for h in en} & {h.article.article_id for h in zh}
    assert en[0].article.article_id == (await _brute_force(cat, "red dress", lambda a: True))[0]


@pytest.mark.parametrize(
    ("filters", "keep"),
    [
        (SearchFilters(colour="blue"), lambda a: a.colour_master.lower() == "blue" or a.colour.lower() == "blue"),
        (SearchFilters(colour="BLACK"), lambda a: "black" in (a.colour.lower(), a.colour_master.lower())),
        (SearchFilters(index_group="menswear"), lambda a: a.index_group == "Menswear"),
        (
            SearchFilters(min_price=10, max_price=30),
            lambda a: a.price is not None and 10 <= a.price <= 30,
        ),
    ],
)
@pytest.mark.parametrize("strategy", ["direct", "overfetch", "shortlist"])
async def test_filtered_search_matches_brute_force(
    cat, monkeypatch: pytest.MonkeyPatch, filters, keep, strategy: str  # type: ignore[no-untyped-def]
) -> None:
    if strategy == "overfetch":
        monkeypatch.setattr(search_index, "DIRECT_MAX", 0)
        monkeypatch.setattr(search_index, "OVERFETCH_MAX", 10**6)
        monkeypatch.setattr(search_index, "PREFER_OVERFETCH", True)
    if strategy == "shortlist":
        monkeypatch.setattr(search_index, "DIRECT_MAX", 0)
        monkeypatch.setattr(search_index, "RERANK_MIN", 20)  # the demo catalog is small: force the PCA stage
        monkeypatch.setattr(search_index, "RERANK_FACTOR", 1)
    hits = await cat.search_text("comfortable everyday clothes", filters, 6)
    expected = await _brute_force(cat, "comfortable everyday clothes", keep)
    assert hits, "the demo catalog should have matches for this filter"
    assert all(keep(h.article) for h in hits)
    assert [h.article.article_id for h in hits] == expected[:6]


async def test_bad_queries_get_clear_messages(cat) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadQueryError, match="empty"):
        await cat.search_text("   ", None, 5)
    with pytest.raises(BadQueryError, match="unknown colour 'blu'.*'Blue'"):
        await cat.search_text("shirt", SearchFilters(colour="blu"), 5)
    with pytest.raises(BadQueryError) as info:  # values of several words stay readable: quoted, comma-separated
        await cat.search_text("shirt", SearchFilters(colour="dark rd"), 5)
    close = str(info.value).split("close known values: ")[1]
    assert re.fullmatch(r"'[^']+'(, '[^']+')*", close) and "'Dark Red'" in close, close
    with pytest.raises(BadQueryError, match="unknown product_type"):
        await cat.search_text("shirt", SearchFilters(product_type="spaceship"), 5)
    with pytest.raises(BadQueryError, match="min_price"):
        await cat.search_text("shirt", SearchFilters(min_price=50, max_price=10), 5)
    with pytest.raises(BadQueryError, match="k must be"):
        await cat.search_text("shirt", None, 0)


async def test_photo_search_finds_the_article_and_caption_refines(cat) -> None:  # type: ignore[no-untyped-def]
    some = await cat.search_text("dress", None, 3)
    target = next(h.article for h in some if h.article.image_path)
    image = Image.open(Path(target.image_path)).convert("RGB")  # type: ignore[arg-type]
    w, h = image.size
    buf = io.BytesIO()
    image.crop((4, 6, w - 4, h - 6)).resize((w * 2, h * 2)).save(buf, "JPEG", quality=60)
    hits = await cat.search_photo(buf.getvalue(), None, 5)
    assert hits[0].article.article_id == target.article_id
    refined = await cat.search_photo(buf.getvalue(), None, 5, text="a red dress")
    assert len(refined) == 5
    filtered = await cat.search_photo(buf.getvalue(), SearchFilters(index_group="Menswear"), 5)
    assert all(h.article.index_group == "Menswear" for h in filtered)
    with pytest.raises(BadImageError, match="not an image"):
        await cat.search_photo(b"definitely not a photo", None, 5)


async def test_similar_excludes_itself(cat) -> None:  # type: ignore[no-untyped-def]
    article = (await cat.search_text("jacket", None, 1))[0].article
    hits = await cat.similar_to(article.article_id, None, 5)
    assert len(hits) == 5
    assert article.article_id not in {h.article.article_id for h in hits}
    same_colour = await cat.similar_to(article.article_id, SearchFilters(colour=article.colour), 3)
    assert all(h.article.colour == article.colour or h.article.colour_master.lower() == article.colour.lower()
               for h in same_colour)
    with pytest.raises(NotFoundError):
        await cat.similar_to("no-such-article", None, 5)


async def test_text_embedder_contract(cat) -> None:  # type: ignore[no-untyped-def]
    v = cat.search.text_embedder.embed(["blue", "navy"])
    assert v.shape[0] == 2 and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


async def test_one_photo_is_embedded_once_for_several_searches(cat) -> None:  # type: ignore[no-untyped-def]
    some = await cat.search_text("jacket", None, 3)
    target = next(h.article for h in some if h.article.image_path)
    photo = await asyncio.to_thread(Path(target.image_path).read_bytes)  # type: ignore[arg-type]
    engine = cat.search
    real = engine.image_embedder
    calls: list[int] = []

    class Counting:
        def embed_images(self, images):  # type: ignore[no-untyped-def]
            calls.append(len(images))
            return real.embed_images(images)

    engine.image_embedder = Counting()
    try:
        first = await cat.search_photo(photo, None, 3)
        again = await cat.search_photo(photo, SearchFilters(product_type=target.product_type), 3, text="in blue")
        with pytest.raises(BadImageError):  # a photo not seen before is still checked
            await cat.search_photo(photo[:40], None, 3)
    finally:
        engine.image_embedder = real
    assert calls == [1] and first[0].article.article_id == target.article_id
    assert again and all(h.article.product_type == target.product_type for h in again)


async def test_article_ids_are_every_id_in_order(cat) -> None:  # type: ignore[no-untyped-def]
    ids = await cat.article_ids()
    assert len(ids) == await cat.articles.count() and ids == sorted(set(ids))
    assert [a.article_id for a in await cat.get_articles(ids[:3])] == ids[:3]
