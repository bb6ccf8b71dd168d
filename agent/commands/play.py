"""`rememberer play ENV`: play one WebShop goal or WikiHow task by hand in the terminal.

Actions are read from standard input one per line, so a session can also be piped in:

    printf 'search[blue shirt]\\nclick[b0...]\\nquit\\n' | rememberer play webshop --goal 3
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any, Callable, TextIO

from agent.errors import AgentError

QUIT_WORDS = {"quit", "exit", "q"}


@dataclass(frozen=True)
class Game:
    """How to drive one environment from the terminal."""

    make_env: Callable[[argparse.Namespace], Any]
    reset_options: Callable[[argparse.Namespace], dict[str, int]]
    index_flag: str  # the flag that picks the episode
    describe: Callable[[dict[str, Any]], list[str]]  # lines shown under each observation
    hint: str


def _webshop_env(args: argparse.Namespace):
    from environments.webshop import WebShopEnv

    return WebShopEnv(data_dir=args.data_dir, max_steps=args.max_steps)


def _wikihow_env(args: argparse.Namespace):
    from environments.wikihow import WikiHowEnv

    return WikiHowEnv(data_dir=args.data_dir, max_steps=args.max_steps)


def _webshop_lines(info: dict[str, Any]) -> list[str]:
    actions = info["available_actions"]
    if actions == ["search"]:
        return ["Available: search[...]"]
    return ["Available: " + "  ".join(f"{i}) {a}" for i, a in enumerate(actions, 1))]


def _wikihow_lines(info: dict[str, Any]) -> list[str]:
    lines = [f"Task: {info.get('command', '')}"]
    if info.get("instruction"):
        lines.append(f"Step instruction: {info['instruction']}")
    lines.append(f"Last reward: {info.get('last_reward', 0.0)}  Total reward: {info.get('total_reward', 0.0)}")
    return lines


GAMES = {
    "webshop": Game(_webshop_env, lambda a: {"goal": a.goal if a.goal is not None else 0}, "--goal",
                    _webshop_lines,
                    "Type search[query] or click[label] (a number clicks that listed action); quit to stop."),
    "wikihow": Game(_wikihow_env, lambda a: {"task": a.task if a.task is not None else 0}, "--task",
                    _wikihow_lines,
                    "Type an action such as CLICK(3), INPUT(2, how to knit), SCROLL(DOWN) or GOBACK; quit to stop."),
}


def _expand(env_name: str, line: str, info: dict[str, Any]) -> str:
    """WebShop shortcut: a bare number clicks the numbered available action."""
    actions = info.get("available_actions") or []
    if env_name == "webshop" and line.isdigit() and actions != ["search"]:
        number = int(line)
        if 1 <= number <= len(actions):
            return f"click[{actions[number - 1]}]"
    return line


def play(env_name: str, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    game = GAMES[env_name]
    wrong_flag = "--task" if env_name == "webshop" else "--goal"
    if getattr(args, wrong_flag.lstrip("-")) is not None:
        raise AgentError(f"{wrong_flag} is not used by {env_name}; pick the episode with {game.index_flag}")
    env = game.make_env(args)
    observation, info = env.reset(options=game.reset_options(args))
    print(game.hint, file=stdout)
    total = 0.0
    while True:
        print(observation.strip("\n"), file=stdout)
        for line in game.describe(info):
            print(line, file=stdout)
        print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:  # end of input
            print("\n(end of input)", file=stdout)
            return 0
        line = line.strip()
        if line.lower() in QUIT_WORDS:
            print("bye", file=stdout)
            return 0
        if not line:
            continue
        observation, reward, terminated, truncated, info = env.step(_expand(env_name, line, info))
        total += reward
        status = f"reward {reward}" + ("" if info.get("valid", True) else "  (not a valid action here: nothing changed)")
        print(status, file=stdout)
        if terminated or truncated:
            print(observation.strip("\n"), file=stdout)
            ending = "episode finished" if terminated else "step limit reached"
            print(f"{ending}: total reward {round(total, 4)}", file=stdout)
            return 0


def _run(args: argparse.Namespace) -> int:
    return play(args.env, args, sys.stdin, sys.stdout)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "play", help="play a WebShop goal or a WikiHow task by hand",
        description="Play one episode by hand: the observation is printed, actions are read "
                    "from standard input one per line ('quit' stops).",
    )
    parser.add_argument("env", choices=sorted(GAMES), help="which environment")
    parser.add_argument("--goal", type=int, default=None, help="WebShop goal index (default 0)")
    parser.add_argument("--task", type=int, default=None, help="WikiHow task index (default 0)")
    parser.add_argument("--data-dir", default=None, help="data folder instead of the bundled data")
    parser.add_argument("--max-steps", type=int, default=15, help="steps before the episode is cut off")
    parser.set_defaults(func=_run)
