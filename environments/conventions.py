"""The Gymnasium conventions every bundled environment follows, written once.

- `step` only inside an episode: before the first `reset`, or after the episode ended
  (terminated or truncated), it raises `EnvironmentDataError` saying to call `reset()`.
- `render_mode` is None, "ansi" or "human"; `render()` returns the current observation text
  (None and "ansi") or prints it ("human", which also prints after every reset and step).
- Data is loaded when the environment is made (eagerly), so a bad data folder fails at once;
  loaded data is cached per process, so making another environment costs nothing.
"""

from __future__ import annotations

from environments.errors import EnvironmentDataError

RENDER_MODES = ["ansi", "human"]
METADATA = {"render_modes": RENDER_MODES, "render_fps": 1}


def check_render_mode(render_mode: str | None) -> None:
    if render_mode is not None and render_mode not in RENDER_MODES:
        raise EnvironmentDataError(
            f"unknown render_mode {render_mode!r}; use one of {RENDER_MODES} or None")


def check_max_steps(max_steps: object) -> None:
    if not isinstance(max_steps, int) or isinstance(max_steps, bool) or max_steps < 1:
        raise EnvironmentDataError(f"max_steps must be a positive integer, got {max_steps!r}")


def check_step(name: str, started: bool, over: bool) -> None:
    """Refuse a step outside an episode."""
    if not started:
        raise EnvironmentDataError("call reset() before step()")
    if over:
        raise EnvironmentDataError(f"the {name} episode is over; call reset() to start another")


def render_text(render_mode: str | None, text: str) -> str | None:
    """What `render()` gives: the text, or None after printing it in "human" mode."""
    if render_mode == "human":
        print(text)
        return None
    return text
