"""`rememberer play ENV`: play one episode of an environment by hand in the terminal.

Actions are read from standard input one per line, so a session can also be piped in:

    printf 'ACTION\\nACTION\\nquit\\n' | rememberer play ENV --task 3

What is shown under each observation, and the flag that picks the episode, are the
environment's (its spec's `PlayView`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from agent.errors import AgentError
from environments import registry

QUIT_WORDS = {"quit", "exit", "q"}


def _index_flags() -> list[str]:
    """The episode flags of every registered environment (`--goal`, `--task`, ...), once each."""
    return list(dict.fromkeys(registry.spec(name).play.index_flag for name in registry.names()))


def play(env_name: str, args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    spec = registry.spec(env_name)
    view = spec.play
    for flag in _index_flags():
        if flag != view.index_flag and getattr(args, flag, None) is not None:
            raise AgentError(f"--{flag} is not used by {spec.name}; pick the episode with "
                             f"--{view.index_flag}")
    env = spec.make(data_dir=args.data_dir, max_steps=args.max_steps)
    index = getattr(args, view.index_flag, None)
    observation, info = env.reset(options=spec.reset_options(index if index is not None else 0))
    print(view.hint, file=stdout)
    total = 0.0
    while True:
        print(observation.strip("\n"), file=stdout)
        for line in view.describe(info):
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
        observation, reward, terminated, truncated, info = env.step(view.expand(line, info))
        total += reward
        status = f"reward {reward}" + ("" if info.get("valid", True) else
                                       "  (not a valid action here: nothing changed)")
        print(status, file=stdout)
        if terminated or truncated:
            print(observation.strip("\n"), file=stdout)
            ending = "episode finished" if terminated else "step limit reached"
            print(f"{ending}: total reward {round(total, 4)}", file=stdout)
            return 0


def _run(args: argparse.Namespace) -> int:
    return play(args.env, args, sys.stdin, sys.stdout)


def register(subparsers) -> None:
    names = registry.names()
    parser = subparsers.add_parser(
        "play", help=f"play an episode of {' or '.join(names)} by hand",
        description="Play one episode by hand: the observation is printed, actions are read "
                    "from standard input one per line ('quit' stops).",
    )
    parser.add_argument("env", choices=names, help="which environment")
    for flag in _index_flags():
        users = [n for n in names if registry.spec(n).play.index_flag == flag]
        parser.add_argument(f"--{flag}", type=int, default=None,
                            help=f"{flag} index of {', '.join(users)} (default 0)")
    parser.add_argument("--data-dir", default=None, help="data folder instead of the bundled data")
    parser.add_argument("--max-steps", type=int, default=15, help="steps before the episode is cut off")
    parser.set_defaults(func=_run)
