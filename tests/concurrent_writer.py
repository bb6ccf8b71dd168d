"""A writer process for the concurrency tests: applies COUNT one-step episodes, all to the same
(state, action), through `Updater.apply` on a memory in a Chroma server.

    python -m tests.concurrent_writer HOST PORT COLLECTION PREFIX COUNT
"""

from __future__ import annotations

import sys

from environments.registry import spec
from memory_store.records import Transition
from memory_store.store import ExperienceStore
from memory_store.updater import Updater
from tests.fakes import FakeEmbedderForTests

TASK = "a red ceramic mug under 20 dollars"
STATE = spec("webshop").new_state(TASK, "WebShop [SEP] search box", available_actions=("search",))
ACTION = "search[red mug]"


def main(host: str, port: str, collection: str, prefix: str, count: str) -> None:
    with ExperienceStore.open(collection, host=host, port=int(port),
                              embedder=FakeEmbedderForTests()) as store:
        updater = Updater(store)
        for index in range(int(count)):
            updater.apply(f"{prefix}-{index}", [Transition(STATE, ACTION, 1.0)], ended=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
