"""`rememberer train` and `rememberer test`: scripted runs over task sets (see agent/runner.py).

    rememberer train --env ENV                           # the quick first run (minutes, local LLM)
    rememberer train --config scripts/configs/ENV-paper.toml
    rememberer test --env ENV --memory runs/<name>/memory --test-set 100:150
    rememberer train --run-dir runs/<name> --resume      # after Ctrl-C or a crash
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent.errors import AgentError
from agent.run_config import (Invocation, add_run_arguments, capture_defaults, config_toml,
                              resolve)

DESCRIPTIONS = {
    "train": ("train an agent's memory on training tasks and test it after every epoch",
              "Each epoch plays the training tasks (the memory learns after every episode; tasks "
              "solved in the first epoch are skipped later), then plays every test task with the "
              "memory frozen. The run folder gets config.toml, episodes.jsonl, summary.json and "
              "the memory. Settings come from flags or a TOML --config with the same keys."),
    "test": ("test an agent on a task set with its memory frozen",
             "Plays every test task once; the memory is read, never updated (an empty memory is "
             "first filled from --initial-memory). Use --memory to test a memory trained before."),
}


def make_llm_for(inv: Invocation):
    """The LLM of a run (the test suite's stand-in is told which environment it plays)."""
    from agent.run_parts import run_llm

    return run_llm(inv.config, inv.api_key)


def run(inv: Invocation, parser: argparse.ArgumentParser) -> int:
    import torch

    from agent.run_config import default_threads
    from agent.runner import CONFIG_FILE, Runner, RunFolder

    cfg = inv.config
    torch.set_num_threads(cfg.threads or default_threads())
    folder = RunFolder(Path(cfg.run_dir))
    if not inv.resume and folder.has_run():
        raise AgentError(f"{folder.path} already holds a run; continue it with --resume or pick "
                         "another --run-dir")
    if inv.resume:
        summary = folder.path / "summary.json"
        if summary.exists():
            import json

            command = json.loads(summary.read_text(encoding="utf-8")).get("command", inv.command)
            if command != inv.command:
                raise AgentError(f"{folder.path} is a `{command}` run; resume it with "
                                 f"`rememberer {command} --run-dir {folder.path} --resume`")
    llm = make_llm_for(inv)
    runner = Runner(inv, llm)
    try:
        runner.task_lists()  # bad task ranges and memories fail before config.toml is written
        runner.open_memory()
        runner.open_workers()
        folder.path.mkdir(parents=True, exist_ok=True)
        if not inv.resume:
            (folder.path / CONFIG_FILE).write_text(
                config_toml(cfg, parser, command=inv.command, memory_given=inv.memory_given),
                encoding="utf-8")
        runner.run()
    except KeyboardInterrupt:
        if (folder.path / CONFIG_FILE).exists():
            print(f"rememberer: the finished episodes are saved; continue with `rememberer "
                  f"{inv.command} --run-dir {folder.path} --resume`", file=sys.stderr)
        raise
    finally:
        runner.close()
    return 0


def _handler(command: str, parser: argparse.ArgumentParser, defaults: dict):
    def handle(args: argparse.Namespace) -> int:
        return run(resolve(parser, defaults, args, command), parser)

    return handle


def register(subparsers) -> None:
    for command, (summary, description) in DESCRIPTIONS.items():
        parser = subparsers.add_parser(command, help=summary, description=description)
        add_run_arguments(parser, command)
        defaults = capture_defaults(parser)
        parser.set_defaults(func=_handler(command, parser, defaults))


def main(argv: list[str] | None = None) -> int:
    """`python scripts/train.py ...` = `rememberer train ...` (`test` as first word for tests)."""
    from agent.cli import main as cli_main

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("train", "test"):
        argv = ["train", *argv]
    return cli_main(argv)
