"""The `rememberer` command line: one sub-command module per area, errors as one line + exit 2."""

from __future__ import annotations

import argparse
import importlib
import sys

from agent.errors import AgentError
from environments.errors import EnvironmentDataError
from memory_store.errors import MemoryStoreError

USER_ERRORS = (AgentError, EnvironmentDataError, MemoryStoreError)

# Each module in agent/commands exposes `register(subparsers)`; the parser it adds sets
# `func(args) -> int | None`.
COMMAND_MODULES = ("train", "memory", "play", "report", "experiment")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rememberer",
        description="LLM agents that learn from experience with a Chroma experience memory (REMEMBERER).",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"agent.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"agent.commands.{name}":
                raise
            continue  # a command area not built yet
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"rememberer: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rememberer: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
