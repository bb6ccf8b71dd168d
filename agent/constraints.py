"""Constrained decoding: the shape an answer must have, compiled for each kind of backend.

A policy knows the prompt's answer format and asks the environment profile for the valid actions
of the current state (`ActionPattern`s, see `environments.action_patterns`). `AnswerConstraint`
joins the two and compiles them:

- `regex()`: one regular expression in the common subset of Python's `re`, Rust's `regex`
  (llguidance), xgrammar and vLLM's guided decoding;
- `gbnf()`: the same language as a GBNF grammar, for llama.cpp's server.

Two answer formats:

- ``advice`` (Rememberer / LLM-only): one line ``<action> -> <value> <reason>`` and a newline,
  e.g. ``click[buy now] -> 0.8 the size and colour are chosen``;
- ``react``: the rest of a first thought line, at most `MAX_EXTRA_THOUGHTS` further
  ``Thought: ...`` lines, then ``Action: <action>`` and a newline.

The value is one digit, a point and one digit, as the prompt's exemplars write it. Free text (a
reason, a thought) is one line of at most `reason_chars` characters. With `reason=False` an advice
answer ends right after its value (``click[buy now] -> 0.8``): the action and the value come first,
so they are the same either way, and where nothing keeps the reason (a frozen memory) writing it
only costs time.
"""

from __future__ import annotations

from dataclasses import dataclass

from environments.action_patterns import ActionPattern, Slot

ADVICE = "advice"
REACT = "react"
REASON_CHARS = 100
MAX_EXTRA_THOUGHTS = 2
VALUE_REGEX = r"[0-9]\.[0-9]"

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits at
_REGEX_SPECIAL = set("\\.^$|?*+()[]{}")
_CLASS_SPECIAL = set("\\]^-[")


def escape_regex(text: str) -> str:
    """`text` as a literal: only regex operators are escaped (Rust's regex rejects escapes of
    ordinary characters such as a space, which Python's `re.escape` produces)."""
    return "".join("\\n" if c == "\n" else "\\" + c if c in _REGEX_SPECIAL else c for c in text)


def _hex_escape(c: str) -> str:
    """`\\xHH` / `\\uHHHH`: understood by Python's re, Rust's regex, xgrammar and GBNF alike."""
    return f"\\x{ord(c):02X}" if ord(c) < 256 else f"\\u{ord(c):04X}"


def _class_char(c: str) -> str:
    if c in _CLASS_SPECIAL:
        return "\\" + c
    return c if c.isprintable() else _hex_escape(c)


def _negated_class(forbidden: str) -> str:
    """A character class of everything but `forbidden` and line breaks (an answer line is one
    line for Python's `splitlines`, which the parser uses)."""
    return "[^" + "".join(_class_char(c) for c in dict.fromkeys(LINE_BREAKS + forbidden)) + "]"


def slot_regex(slot: Slot) -> str:
    """A slot's text: a first character that is not whitespace, then up to max_chars - 1 more."""
    first = _negated_class(slot.forbidden).replace("[^", "[^\\s", 1)
    rest = f"{_negated_class(slot.forbidden)}{{0,{slot.max_chars - 1}}}" if slot.max_chars > 1 else ""
    return first + rest


def pattern_regex(pattern: ActionPattern) -> str:
    return "".join(slot_regex(p) if isinstance(p, Slot) else escape_regex(p) for p in pattern)


def _gbnf_literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _gbnf_class(forbidden: str) -> str:
    def char(c: str) -> str:
        if c in "\\]^-":
            return "\\" + c
        return c if c.isprintable() else _hex_escape(c)

    return "[^" + "".join(char(c) for c in dict.fromkeys(LINE_BREAKS + forbidden)) + "]"


def _gbnf_text(forbidden: str, max_chars: int) -> str:
    return f"{_gbnf_class(forbidden)}{{1,{max_chars}}}"


def _gbnf_slot(slot: Slot) -> str:
    first = _gbnf_class(" \t\r" + slot.forbidden)
    return f"{first} {_gbnf_class(slot.forbidden)}{{0,{slot.max_chars - 1}}}"


def _gbnf_pattern(pattern: ActionPattern) -> str:
    return " ".join(_gbnf_slot(p) if isinstance(p, Slot) else _gbnf_literal(p) for p in pattern)


@dataclass(frozen=True)
class AnswerConstraint:
    """What an answer may be: `fmt` (``advice`` or ``react``) around one of `patterns`."""

    fmt: str
    patterns: tuple[ActionPattern, ...]
    reason_chars: int = REASON_CHARS
    reason: bool = True  # advice only: a reason after the value

    def __post_init__(self) -> None:
        if self.fmt not in (ADVICE, REACT):
            raise ValueError(f"unknown answer format {self.fmt!r}")
        if not self.patterns:
            raise ValueError("a constraint needs at least one valid action")

    def action_regex(self) -> str:
        return "(?:" + "|".join(pattern_regex(p) for p in self.patterns) + ")"

    def regex(self) -> str:
        """The whole answer as one regular expression (anchored at both ends by the backends)."""
        line = f"{_negated_class('')}{{1,{self.reason_chars}}}"
        if self.fmt == ADVICE:
            reason = f" {line}" if self.reason else ""
            return f"{self.action_regex()} -> {VALUE_REGEX}{reason}\\n"
        return (f"{line}\\n(?:Thought: {line}\\n){{0,{MAX_EXTRA_THOUGHTS}}}"
                f"Action: {self.action_regex()}\\n")

    def gbnf(self) -> str:
        """The same language as a GBNF grammar (llama.cpp), start symbol `root`."""
        text = _gbnf_text("", self.reason_chars)
        actions = " | ".join(f"({_gbnf_pattern(p)})" for p in self.patterns)
        if self.fmt == ADVICE:
            reason = f' " " {text}' if self.reason else ""
            root = f'action " -> " [0-9] "." [0-9]{reason} "\\n"'
        else:
            root = (f'{text} "\\n" ("Thought: " {text} "\\n"){{0,{MAX_EXTRA_THOUGHTS}}} '
                    f'"Action: " action "\\n"')
        return f"root ::= {root}\naction ::= {actions}\n"

    def key(self) -> str:
        """What identifies this constraint in a response-cache key."""
        return self.regex()
