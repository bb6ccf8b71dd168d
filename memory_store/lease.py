"""The writer lease: serialises the writers of one memory on a Chroma server.

Chroma has no transactions and no conditional write, but it has one atomic primitive: an `add`
of an id that already exists is ignored. The lease is a chain of rows in the companion collection
`<name>.lease`, one per generation g (id `gen-<g>`, metadata gen, holder, beat); the row with the
highest generation says who holds the memory (holder "" means free).

- Acquire: read the top row; when it is free, or held but unchanged for `ttl` seconds of this
  process's own clock (a crashed holder), add the row of generation g+1 naming this process,
  then read it back: the one whose add landed holds the lease. A row added late at a generation
  that is no longer the top (its predecessors pruned) is detected because rows above it exist.
- Hold: before every write the holder checks that the top row is still its own (fencing) and
  bumps its `beat` when a third of the ttl has passed, which tells waiting processes it is alive.
  A holder that finds a newer generation stops with an error before writing anything more.
- Release: add generation g+1 with holder "".

Expiry needs no agreement between clocks: a waiting process counts the ttl on its own monotonic
clock from when it first saw the top row in its current form. What it does assume is that a
holder is not paused for longer than the ttl between its fencing check and the write after it
(one Chroma call).
"""

from __future__ import annotations

import time
import uuid

from memory_store.errors import MemoryStoreError

_VECTOR = [1.0]  # Chroma rows need an embedding; lease rows are only looked up by metadata
_KEEP = 64  # generations kept below the top; older rows are pruned


def _row_id(gen: int) -> str:
    return f"gen-{gen:012d}"


class WriterLease:
    """The lease on one memory; re-entrant (`with lease:` nests)."""

    def __init__(self, collection, *, ttl: float = 30.0, wait: float = 600.0):
        self._rows = collection
        self.ttl = ttl
        self.wait = wait
        self.holder = uuid.uuid4().hex
        self._gen: int | None = None
        self._depth = 0
        self._beat = 0
        self._renewed = 0.0
        self._floor = 0  # no generation below this can be the top any more

    @property
    def held(self) -> bool:
        return self._gen is not None

    def __enter__(self) -> "WriterLease":
        if self._depth == 0:
            self._acquire()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self._release()

    # --- the chain ------------------------------------------------------------------------

    def _top(self) -> tuple[int, dict]:
        """(generation, metadata) of the top row; (0, free) when the chain is empty."""
        found = self._rows.get(where={"gen": {"$gte": self._floor}}, include=["metadatas"])
        metas = found["metadatas"] or []
        if not metas:
            return 0, {"gen": 0, "holder": "", "beat": 0}
        top = max(metas, key=lambda meta: int(meta["gen"]))
        self._floor = int(top["gen"])
        return self._floor, top

    def _try_add(self, gen: int, holder: str, beat: int = 0) -> bool:
        """Add generation `gen`; true when this process's row is the one stored there and it is
        the top of the chain."""
        self._rows.add(ids=[_row_id(gen)], embeddings=[_VECTOR],
                       metadatas=[{"gen": gen, "holder": holder, "beat": beat}])
        stored = self._rows.get(ids=[_row_id(gen)], include=["metadatas"])["metadatas"]
        if not stored or stored[0]["holder"] != holder:
            return False
        above = self._rows.get(where={"gen": {"$gt": gen}}, limit=1, include=[])["ids"]
        return not above

    def _acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        seen, seen_at, delay = None, time.monotonic(), 0.005
        while True:
            gen, meta = self._top()
            form = (gen, meta["holder"], meta.get("beat", 0))
            if form != seen:
                seen, seen_at = form, time.monotonic()
            stale = time.monotonic() - seen_at >= self.ttl
            if (not meta["holder"] or stale) and self._try_add(gen + 1, self.holder):
                self._gen, self._beat, self._renewed = gen + 1, 0, time.monotonic()
                self._floor = gen + 1
                self._prune()
                return
            if time.monotonic() > deadline:
                raise MemoryStoreError(
                    f"another writer has held this memory for more than {self.wait:.0f} s; "
                    "try again when it has finished")
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def check(self) -> None:
        """Fencing, called before every write: fail unless this process still holds the lease;
        renew it when a third of the ttl has passed."""
        if self._gen is None:
            raise MemoryStoreError("internal error: a write without the writer lease")
        gen, meta = self._top()
        if gen != self._gen or meta["holder"] != self.holder:
            self._gen, self._depth = None, 0
            raise MemoryStoreError(
                f"this process lost the writer lease (no sign of life for {self.ttl:.0f} s, so "
                "another writer took over); nothing more was written — run the command again")
        if time.monotonic() - self._renewed >= self.ttl / 3:
            self._beat += 1
            self._rows.update(ids=[_row_id(self._gen)], metadatas=[{"beat": self._beat}])
            self._renewed = time.monotonic()

    def _release(self) -> None:
        if self._gen is None:
            return
        gen, self._gen = self._gen, None
        self._try_add(gen + 1, "")  # ignored when another writer has already taken over

    def _prune(self) -> None:
        if self._gen is not None and self._gen > 2 * _KEEP and self._gen % _KEEP == 0:
            self._rows.delete(where={"gen": {"$lt": self._gen - _KEEP}})
