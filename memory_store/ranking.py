"""Moved to `environments/ranking.py` (the environments must not import the memory); this name
stays so that code written against it keeps importing."""

from environments.ranking import best, rank_key, ranked, top_indices

__all__ = ["best", "rank_key", "ranked", "top_indices"]
