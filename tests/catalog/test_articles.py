from catalog.articles import ArticleStore
from catalog.db import Database
from catalog.models import Article
from catalog.schema import CATALOG_MIGRATIONS, ensure_catalog_schema


async def test_upsert_get_and_vocabulary(tmp_path):
    async with Database(tmp_path / "db.sqlite3") as db:
        assert await ensure_catalog_schema(db) == len(CATALOG_MIGRATIONS)
        assert await ensure_catalog_schema(db) == len(CATALOG_MIGRATIONS)  # idempotent
        store = ArticleStore(db)
        await store.upsert_many(
            [
                Article("0108775015", "Strap top", product_type="Vest top", colour="Black", price=8.1),
                Article("0108775044", "Strap top", product_type="Vest top", colour="White"),
                Article("0110065001", "OP T-shirt", product_type="Bra", colour="Black"),
            ]
        )
        got = await store.get_many(["0110065001", "missing", "0108775015"])
        assert [a.article_id for a in got] == ["0110065001", "0108775015"]
        assert got[1].price == 8.1
        assert await store.vocabulary("colour") == ["Black", "White"]
        await store.upsert_many([Article("0108775015", "Strap top v2", colour="Black")])
        assert (await store.get("0108775015")).name == "Strap top v2"
        assert await store.count() == 3
        batches = [b async for b in store.iter_all(batch_size=2)]
        assert [len(b) for b in batches] == [2, 1]
    # WAL mode is on
    async with Database(tmp_path / "db.sqlite3") as db:
        async with db.conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
