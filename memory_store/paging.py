"""Reading many rows of a Chroma collection: one `get` of everything fails on large
collections, so every read of more than a handful of rows goes through `pages`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

PAGE = 5000  # rows per get() call


def pages(collection, *, ids: Sequence[str] | None = None, where: dict | None = None,
          include: Sequence[str] = ("documents", "metadatas")) -> Iterator[dict]:
    """Chroma `get` results page by page: the rows with these ids, or those matching `where`
    (all rows when both are None)."""
    if ids is not None:
        for start in range(0, len(ids), PAGE):
            yield collection.get(ids=list(ids[start:start + PAGE]), include=list(include))
        return
    offset = 0
    while True:
        page = collection.get(where=where, limit=PAGE, offset=offset, include=list(include))
        yield page
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE
