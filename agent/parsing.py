"""Reading an action out of what the LLM wrote.

The Rememberer prompt ends with `Encouraged:` and the model continues with lines of the form
`<action> -> <value> <reason>`; we take the action with the highest stated value. The ReAct prompt
asks for `Thought: ...` lines and one `Action: <action>` line. Both parsers are total: any text at
all gives a `ParsedAction` (with `ok=False` and an `error` when nothing usable was found); they
never raise.

Action syntaxes are environment specific: each environment's spec carries its
`environments.syntax.ActionSyntax`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from environments.syntax import ActionSyntax

_MAX_LINES = 200  # a runaway completion is cut; nothing useful comes after this many lines
_MAX_LINE_CHARS = 2_000


# --- results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParsedAction:
    """What a parser made of one completion. `value` is the stated Q (None when the line gave
    none); `error` says why nothing was found when `ok` is False."""

    action: str = ""
    reason: str = ""
    value: float | None = None
    ok: bool = False
    error: str = ""


def _lines(text: str) -> list[str]:
    return [line[:_MAX_LINE_CHARS] for line in text.splitlines()[:_MAX_LINES]]


def _value(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_advice(text: str, syntax: ActionSyntax) -> ParsedAction:
    """Read the `Encouraged` lines the model wrote and pick the highest stated value.

    Reading stops at a line starting with `Discouraged` (in case the stop sequence did not cut
    the output there). Lines that are not `<action> -> <value> <reason>` are ignored (a bare
    action, e.g. one copied from the list of available actions, is not an answer); a line whose
    value is missing or not a number (`<action> -> <reason>`) counts below every line that
    states one. Ties go to the earlier line.
    """
    if not isinstance(text, str) or not text.strip():
        return ParsedAction(error="empty output")
    best: ParsedAction | None = None
    for line in _lines(text):
        stripped = line.strip()
        if stripped.lower().startswith("discouraged"):
            break
        if not stripped or stripped.lower().startswith("encouraged"):
            continue
        match = syntax.match_line(stripped)
        if match is None:
            continue
        action = syntax.canonical(match)
        if action is None:
            continue
        value = _value(match.group("value"))
        reason = " ".join((match.group("reason") or "").split())
        candidate = ParsedAction(action=action, reason=reason, value=value, ok=True)
        if best is None or _rank(candidate) > _rank(best):
            best = candidate
    if best is None:
        return ParsedAction(
            error=f"no line of the form '<action> -> <value> <reason>' with a valid "
                  f"{syntax.name} action in: {_preview(text)}"
        )
    return best


def _rank(parsed: ParsedAction) -> float:
    return -math.inf if parsed.value is None else parsed.value


_THOUGHT = re.compile(r"\s*thought\s*:\s*(?P<text>.*)", re.IGNORECASE | re.DOTALL)
_ACTION = re.compile(r"\s*action\s*:\s*(?P<text>.*)", re.IGNORECASE | re.DOTALL)


def parse_react(text: str, syntax: ActionSyntax) -> ParsedAction:
    """Read a ReAct completion: `Thought:` lines (kept as the reason) and the first
    `Action: <action>` line whose action is valid."""
    if not isinstance(text, str) or not text.strip():
        return ParsedAction(error="empty output")
    thoughts: list[str] = []
    for line in _lines(text):
        thought = _THOUGHT.fullmatch(line)
        if thought:
            if thought.group("text").strip():
                thoughts.append(" ".join(thought.group("text").split()))
            continue
        act = _ACTION.fullmatch(line)
        if act:
            action = syntax.canonicalize(act.group("text"))
            if action is not None:
                return ParsedAction(action=action, reason=" ".join(thoughts), ok=True)
            continue
        if not thoughts and line.strip():
            # The prompt ends with "Thought:", so the first line is a thought without its label.
            thoughts.append(" ".join(line.split()))
    return ParsedAction(
        reason=" ".join(thoughts),
        error=f"no 'Action: <action>' line with a valid {syntax.name} action in: {_preview(text)}",
    )


def _preview(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 3] + "...")
