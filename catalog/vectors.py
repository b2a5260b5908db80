"""The Chroma vector store: one collection of article text vectors, one of article image vectors.

The embedded ``PersistentClient`` under ``settings.chroma_path`` is the default;
``[chroma] mode = "http"`` talks to a Chroma server. Telemetry is off and the
collections have no embedding function: the project always passes its own vectors,
so Chroma never loads (or downloads) a model of its own.

``VectorStore`` opens Chroma on first use, so commands that never search (``recommend``,
``stats``) run without it. A Chroma server that cannot be reached, at that first use or
later (it stopped while the program runs), raises ``SearchUnavailableError``; the next
call tries again, so the search comes back with the server. So does an embedded index whose
folder was deleted although the store records that the catalog was indexed (``catalog.index_record``):
the folder is not made anew, empty, but by the ingest.

Each collection records the embedder its vectors were computed with (its metadata's ``model``). A search of
a collection that another embedder than the configured one computed (``[catalog] text_embedder`` or
``image_embedder`` changed since the ingest) raises ``EmbedderChangedError``: a query vector of one model
means nothing against another's vectors (and Chroma refuses one of another length). The next ingest drops
such a collection and embeds the catalog anew (``catalog/indexing.py``). A collection dropped by another
process (an ingest re-embedding it) is opened again by name.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, ParamSpec, TypeVar

import numpy as np

from catalog.disk_full import disk_full_error
from reclmms.errors import DataError, EmbedderChangedError, SearchUnavailableError, store_file_error
from reclmms.settings import Settings

logger = logging.getLogger(__name__)

TEXT_COLLECTION = "article_text"
IMAGE_COLLECTION = "article_image"
_GET_BATCH = 5000

_P = ParamSpec("_P")
_R = TypeVar("_R")
# what each collection holds, and the setting that chooses its embedder
_KINDS = {TEXT_COLLECTION: ("text", "text_embedder"), IMAGE_COLLECTION: ("image", "image_embedder")}
# the setting's value for an embedder's name (a model directory's embedder is named after the directory)
_SETTING_VALUES = {"use-m3": '"use"', "efficientnet-lite0": '"efficientnet"'}


def embedder_changed_message(collection: str, built_with: str, configured: str) -> str:
    """Why a collection cannot be searched with the configured embedder, and the two ways out."""
    what, setting = _KINDS.get(collection, (collection, "text_embedder"))
    kind, _, folder = built_with.partition(":")
    before = _SETTING_VALUES.get(built_with) or (
        f"the model folder {folder}" if kind in ("st", "clip") and folder else f"what gives {built_with}")
    return (f"the search index's {what} vectors were computed with the embedder {built_with}, but [catalog] {setting} "
            f"is now {configured}: run the same `reclmms ingest ...` again to re-embed the catalog with {configured}, "
            f"or set [catalog] {setting} back to {before}")


def server_address(settings: Settings) -> str | None:
    """``host:port`` of the configured Chroma server; None for the embedded store."""
    if settings.chroma.mode != "http":
        return None
    return f"{settings.chroma.host}:{settings.chroma.port}"


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says that the Chroma server could not be reached (refused, reset, timed out)."""
    import httpx

    return isinstance(exc, httpx.TransportError | ConnectionError)


def chroma_client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaConfig

    config = ChromaConfig(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma.mode == "http":
        try:
            return chromadb.HttpClient(
                host=settings.chroma.host, port=settings.chroma.port, ssl=settings.chroma.ssl, settings=config
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError subclasses
            raise SearchUnavailableError(
                f"chroma: cannot reach the Chroma server at {server_address(settings)} ({exc})"
            ) from None
    _make_chroma_dir(settings)  # or, for an index whose folder was lost, SearchUnavailableError
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=config)
    except Exception as exc:  # Chroma writes to its SQLite file as it starts
        full = disk_full_error(exc, settings.chroma_path, "the search index (Chroma) cannot start")
        if full is not None:
            raise full from None
        problem = ("is not a SQLite database" if "file is not a database" in str(exc)
                   else "is damaged (database disk image is malformed)" if "malformed" in str(exc) else None)
        if problem is not None:
            raise store_file_error(settings.chroma_path / "chroma.sqlite3", problem,
                                   f"move {settings.chroma_path} aside and {_REBUILD}") from None
        raise


_REBUILD = "run the same `reclmms ingest ...` again to build the search index anew"


def _not_a_folder(settings: Settings) -> Exception:
    return store_file_error(settings.chroma_path, "is a file, not the search index's folder", f"move it aside and {_REBUILD}")


def check_chroma_dir(settings: Settings) -> None:
    """Read only: a file where the embedded search index's folder goes is ``StoreError`` (a missing folder is fine)."""
    path = settings.chroma_path
    if settings.chroma.mode != "http" and (path.exists() or path.is_symlink()) and not path.is_dir():
        raise _not_a_folder(settings)


def _make_chroma_dir(settings: Settings) -> None:
    """The embedded index's folder, made when it is not there; unless the store records that this catalog was
    indexed (``catalog.index_record``): a folder made now would be empty, and search would find nothing. That is
    ``SearchUnavailableError`` saying the folder is missing and how to build the index again (the ingest does)."""
    from catalog.index_record import index_lost, lost_index_message

    if index_lost(settings):
        raise SearchUnavailableError(lost_index_message(settings))
    try:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where the folder goes: never replaced here
        raise _not_a_folder(settings) from None


def _reaching(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A ``VectorCollection`` method whose Chroma call raises ``SearchUnavailableError`` when the server is gone.
    A collection dropped since it was opened (an ingest in another process embedding it anew) is opened
    again by name and the call made once more, unless its vectors are now another embedder's."""

    @functools.wraps(method)
    def call(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        collection = args[0]
        assert isinstance(collection, VectorCollection)
        try:
            try:
                return method(*args, **kwargs)
            except Exception as exc:
                if not _dropped(exc):
                    raise
            logger.info("collection %s was created anew: opening it again", collection.name)
            collection.reopen()
            collection.check_embedder()
            return method(*args, **kwargs)
        except Exception as exc:
            if not unreachable(exc):
                raise
            raise SearchUnavailableError(
                f"the search index (the Chroma server at {collection.server}) cannot be reached: "
                f"{type(exc).__name__}: {exc}"
            ) from None

    return call


def _dropped(exc: BaseException) -> bool:
    """Whether ``exc`` says that the collection asked for is no longer there (dropped since it was opened)."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError) and "does not exist" in str(exc)


class VectorCollection:
    """One Chroma collection (cosine space) holding project-computed vectors of the embedder ``model``.

    ``built_with`` is the embedder the collection's vectors were computed with (what its metadata records);
    ``embedder_changed`` when it is not ``model``: ``check_embedder`` says so, ``recreate`` starts it anew."""

    def __init__(self, client: Any, name: str, model: str, server: str | None = None) -> None:
        self.name = name
        self.model = model
        self.server = server or "(embedded)"
        self._client = client
        self._count = 0
        self._counted_at = -1e9
        self.model_tag = re.sub(r"[^A-Za-z0-9_.-]+", "_", model)[:60]
        self.built_with = model
        self._collection = self._open()
        if self.embedder_changed:
            logger.info("collection %s was built with %s; the configured embedder is %s", name, self.built_with, model)

    def _open(self) -> Any:
        collection = self._client.get_or_create_collection(
            name=self.name,
            metadata={"hnsw:space": "cosine", "model": self.model},
            embedding_function=None,
        )
        self.built_with = str((collection.metadata or {}).get("model") or self.model)  # none recorded: as configured
        return collection

    @property
    def raw(self) -> Any:
        return self._collection

    @property
    def embedder_changed(self) -> bool:
        """Whether the vectors were computed with another embedder than the configured one (as last seen)."""
        return self.built_with != self.model

    def reopen(self) -> None:
        """Open the collection by its name again (another process may have created it anew)."""
        self._collection = self._open()
        self._counted_at = -1e9

    @_reaching
    def check_embedder(self) -> None:
        """Raise ``EmbedderChangedError`` when the collection holds vectors of another embedder than the configured
        one: a query's vector cannot be compared with them. It is looked at again first, as another process (an
        ingest) may have embedded it anew since; an empty collection has nothing to compare and passes."""
        if not self.embedder_changed:
            return
        self.reopen()
        if self.embedder_changed and self.count() > 0:
            raise EmbedderChangedError(embedder_changed_message(self.name, self.built_with, self.model))

    @_reaching
    def recreate(self) -> None:
        """Drop the collection and create it again, empty, for the configured embedder (through the same
        client: the embedded store or the Chroma server)."""
        from chromadb.errors import NotFoundError

        for _ in range(3):  # a search of another process may re-create it, as it was configured, in between
            try:
                self._client.delete_collection(self.name)
            except NotFoundError:  # dropped already (by another process)
                pass
            self.reopen()
            if not self.embedder_changed:
                return
        raise DataError(f"the search index's collection {self.name} could not be created anew for {self.model}: "
                        f"it is created again for {self.built_with} (by a search of another process?); stop "
                        "the programs that search and run the same `reclmms ingest ...` again")

    @_reaching
    def count(self) -> int:
        self._count = int(self._collection.count())
        self._counted_at = time.monotonic()
        return self._count

    def recent_count(self, max_age_s: float = 10.0) -> int:
        """``count()`` cached for ``max_age_s`` (a Chroma count costs ~8 ms at 105k vectors)."""
        if time.monotonic() - self._counted_at > max_age_s:
            return self.count()
        return self._count

    @_reaching
    def existing_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        got = self._collection.get(ids=list(ids), include=[])
        return set(got["ids"])

    @_reaching
    def sources(self, ids: Sequence[str]) -> dict[str, str | None]:
        """The stored ``source`` fingerprint (what a vector was computed from) of those ``ids`` present."""
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["metadatas"])
        return {i: (m or {}).get("source") for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    @_reaching
    def set_metadata(self, ids: Sequence[str], metadatas: Sequence[dict[str, Any]]) -> None:
        """Replace the metadata of existing records (their vectors stay)."""
        if ids:
            self._collection.update(ids=list(ids), metadatas=list(metadatas))

    @_reaching
    def all_ids(self) -> list[str]:
        ids: list[str] = []
        for offset in range(0, self.count(), _GET_BATCH):
            ids.extend(self._collection.get(include=[], limit=_GET_BATCH, offset=offset)["ids"])
        return ids

    @_reaching
    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _GET_BATCH):
            self._collection.delete(ids=list(ids[start : start + _GET_BATCH]))

    @_reaching
    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        if not ids:
            return
        self._collection.upsert(
            ids=list(ids), embeddings=np.asarray(vectors, dtype=np.float32), metadatas=list(metadatas)
        )

    @_reaching
    def query(self, vector: np.ndarray, n: int) -> tuple[list[str], np.ndarray]:
        """Top ``n`` ids by cosine similarity (unfiltered), with their similarities."""
        if n <= 0:
            return [], np.zeros(0, dtype=np.float32)
        res = self._collection.query(
            query_embeddings=np.asarray(vector, dtype=np.float32).reshape(1, -1), n_results=n, include=["distances"]
        )
        ids = list(res["ids"][0])
        sims = 1.0 - np.asarray(res["distances"][0], dtype=np.float32)
        return ids, sims

    @_reaching
    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)}

    @_reaching
    def all_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every id and vector, fetched in batches (for the in-memory matrix cache)."""
        total = self.count()
        ids: list[str] = []
        parts: list[np.ndarray] = []
        for offset in range(0, total, _GET_BATCH):
            got = self._collection.get(include=["embeddings"], limit=_GET_BATCH, offset=offset)
            ids.extend(got["ids"])
            if len(got["ids"]):
                parts.append(np.asarray(got["embeddings"], dtype=np.float32))
        matrix = np.concatenate(parts, axis=0) if parts else np.zeros((0, 0), dtype=np.float32)
        return ids, matrix


class VectorStore:
    """The two article collections of one Chroma client, opened on first use (``open``)."""

    def __init__(self, settings: Settings, text_model: str, image_model: str) -> None:
        self.settings = settings
        self.server = server_address(settings)
        self._models = (text_model, image_model)
        self._lock = threading.Lock()
        self._opened: tuple[Any, VectorCollection, VectorCollection] | None = None

    def open(self) -> None:
        """Connect to Chroma and open both collections, once (blocking: call it in a worker thread).
        Raises ``SearchUnavailableError`` when the Chroma server cannot be reached; a later call tries again."""
        if self._opened is not None:
            return
        with self._lock:
            if self._opened is None:
                self._opened = self._connect()

    def _connect(self) -> tuple[Any, VectorCollection, VectorCollection]:
        client = chroma_client(self.settings)
        try:
            text = VectorCollection(client, TEXT_COLLECTION, self._models[0], self.server)
            image = VectorCollection(client, IMAGE_COLLECTION, self._models[1], self.server)
        except Exception as exc:
            if not unreachable(exc):
                raise
            raise SearchUnavailableError(
                f"chroma: cannot reach the Chroma server at {self.server} ({type(exc).__name__}: {exc})"
            ) from None
        return client, text, image

    @property
    def opened(self) -> bool:
        return self._opened is not None

    @property
    def client(self) -> Any:
        self.open()
        assert self._opened is not None
        return self._opened[0]

    @property
    def text(self) -> VectorCollection:
        self.open()
        assert self._opened is not None
        return self._opened[1]

    @property
    def image(self) -> VectorCollection:
        self.open()
        assert self._opened is not None
        return self._opened[2]

    def missing_index_message(self) -> str:
        """Why a text search has no article vectors to search, and what to do about it."""
        if self.server is not None:
            return (
                f"the Chroma server at {self.server} has no article vectors: is it the server this catalog "
                "was indexed into? If so, build the index with the same `reclmms ingest ...` as before "
                "(without --no-index)"
            )
        return (
            f"the catalog in {self.settings.data_dir} has no search index yet (ingested with --no-index?): "
            "run the same `reclmms ingest ...` again without --no-index"
        )
