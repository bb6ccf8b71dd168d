"""How the agent's prompt shows a TextWorldExpress state, and the instructions above it."""

from __future__ import annotations

from environments.spec import history_lines, observation_lines
from environments.state import State
from environments.twx.state import available

INSTRUCTIONS = """\
You are playing a text game. At every step you see the task, your last actions, what the game \
said, the room you are in, what you carry, and the actions the game accepts now. Answer with the \
next action in the form `<action> -> <value> <reason>`, where the action is copied exactly from \
"Valid actions". The value is your estimate, from 0 to 1, of how much of the task's score is \
still to be earned if you take this action."""

REACT_INSTRUCTIONS = """\
You are playing a text game. At every step you see the task, your last actions, what the game \
said, the room you are in, what you carry, and the actions the game accepts now. First think \
about the situation in one or more lines starting with `Thought:`, then give exactly one line \
`Action: <action>`, where the action is copied exactly from "Valid actions". Here are some \
worked examples."""


def render(state: State) -> str:
    """The state as the prompt shows it: the task, the last actions, the document (reply, room,
    inventory) and the valid actions."""
    lines = [f"Task: {state.task}", *history_lines(state), "Observation:"]
    lines += observation_lines(state.observation)
    lines.append("Valid actions:")
    lines += [f"- {action}" for action in available(state)]
    return "\n".join(lines)
