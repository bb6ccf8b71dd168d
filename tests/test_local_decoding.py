"""The prefix cache of the local decoding loop (no model needed)."""

from __future__ import annotations

from agent.local_decoding import PrefixCache


def test_the_longest_stored_prefix_shorter_than_the_prompt_is_found_and_handed_out_as_a_copy():
    cache = PrefixCache(capacity=4)
    cache.put([1, 2], {"kv": [12]})
    cache.put([1, 2, 3, 4], {"kv": [1234]})
    cache.put([9], {"kv": [9]})
    length, snapshot = cache.longest([1, 2, 3, 4, 5])
    assert length == 4 and snapshot == {"kv": [1234]}
    snapshot["kv"].append(0)  # decoding extends the copy, never the stored snapshot
    assert cache.longest([1, 2, 3, 4, 5])[1] == {"kv": [1234]}
    assert cache.longest([1, 2, 3, 4])[0] == 2  # a prompt is never answered entirely from the cache
    assert cache.longest([1, 3]) == (0, None) and cache.longest([]) == (0, None)


def test_the_least_recently_used_snapshot_goes_first():
    cache = PrefixCache(capacity=2)
    cache.put([1], "a")
    cache.put([2], "b")
    cache.longest([1, 0])  # uses [1]
    cache.put([3], "c")  # evicts [2]
    assert len(cache) == 2
    assert cache.longest([2, 0]) == (0, None) and cache.longest([1, 0]) == (1, "a")
    cache.put([1], "other")  # already stored: kept as it was
    assert cache.longest([1, 0]) == (1, "a")
    cache.clear()
    assert len(cache) == 0
