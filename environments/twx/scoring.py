"""The words reports use for TextWorldExpress runs, and how they read an episode record.

The game scores progress from 0 to 1 (twc: the share of objects put away; cookingworld: the
recipe steps done) and reports success exactly when the score reaches 1. The rewards are the
score's changes, so an episode's total reward is its final score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from environments.spec import Scoring

SCORE_LABEL = "score"
SCORE_TEXT = "score = mean final game score (0-1, the share of the task the game counts as done)"
SUCCESS_TEXT = "success = the game reports the task done (score 1.0)"


def score(record: Mapping[str, Any]) -> float:
    """An episode record's score: its total reward, i.e. the game's final score."""
    return float(record["total_reward"])


def success(record: Mapping[str, Any]) -> bool:
    return score(record) >= 1.0 - 1e-9


SCORING = Scoring(SCORE_LABEL, SCORE_TEXT, SUCCESS_TEXT, score=score, success=success)
