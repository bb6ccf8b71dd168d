"""One name for one thing across the `rememberer` commands: the memory's location, the Chroma
server and the retrieval settings are spelled the same on runs and on `rememberer memory`; the
older spellings still parse but are hidden from --help."""

from __future__ import annotations

import argparse

import pytest

from agent.cli import build_parser

LOCATION_FLAGS = ("--memory", "--chroma-host", "--chroma-port", "--collection", "--embedding-model")
MEMORY_COMMANDS = ("list", "stats", "show", "query", "import", "export", "merge", "copy", "drop")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))  # noqa: SLF001
    return dict(action.choices)


def _visible_flags(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions if action.help != argparse.SUPPRESS  # noqa: SLF001
            for flag in action.option_strings}


@pytest.fixture(scope="module")
def commands() -> dict[str, argparse.ArgumentParser]:
    top = _subparsers(build_parser())
    memory = _subparsers(top["memory"])
    return {**{name: top[name] for name in ("train", "test")},
            **{f"memory {name}": memory[name] for name in MEMORY_COMMANDS}}


def test_every_memory_command_shares_the_location_flags_of_runs(commands):
    for name, parser in commands.items():
        visible = _visible_flags(parser)
        assert set(LOCATION_FLAGS) <= visible, (name, set(LOCATION_FLAGS) - visible)
        assert not {"--path", "--host", "--port"} & visible, name


def test_retrieval_flags_are_spelled_as_on_runs(commands):
    for name in ("train", "test", "memory query"):
        assert {"--lambda", "--m"} <= _visible_flags(commands[name]), name
    assert "--lam" not in _visible_flags(commands["memory query"])
    copy_flags = _visible_flags(commands["memory copy"])
    assert {"--to-memory", "--to-chroma-host", "--to-chroma-port", "--to-chroma-token"} <= copy_flags
    assert not {"--to-path", "--to-host", "--to-port"} & copy_flags


@pytest.mark.parametrize("old, new", [
    (["memory", "stats", "--path", "m", "--host", "h", "--port", "7"],
     ["memory", "stats", "--memory", "m", "--chroma-host", "h", "--chroma-port", "7"]),
    (["memory", "copy", "a", "b", "--to-path", "x", "--to-host", "h", "--to-port", "7"],
     ["memory", "copy", "a", "b", "--to-memory", "x", "--to-chroma-host", "h",
      "--to-chroma-port", "7"]),
    (["memory", "query", "--task", "t", "--lam", "0.25", "-m", "3"],
     ["memory", "query", "--task", "t", "--lambda", "0.25", "--m", "3"]),
])
def test_old_spellings_still_parse_to_the_same_settings(old, new):
    parser = build_parser()
    parsed_old, parsed_new = vars(parser.parse_args(old)), vars(parser.parse_args(new))
    parsed_old.pop("func"), parsed_new.pop("func")
    assert parsed_old == parsed_new


def test_aliases_are_not_shown_in_help(commands):
    text = commands["memory stats"].format_help() + commands["memory copy"].format_help()
    assert "--memory PATH" in text and "--to-memory PATH" in text
    for old in ("--path", "--host", "--port", "--to-path", "--to-host", "--to-port"):
        assert old not in text, old


def test_training_flags_are_on_train_only(commands):
    assert {"--workers", "--ray-address", "--concurrency"} <= _visible_flags(commands["train"])
    assert "--concurrency" in _visible_flags(commands["test"])
    assert not {"--workers", "--ray-address"} & _visible_flags(commands["test"])
    with pytest.raises(SystemExit):
        commands["test"].parse_args(["--env", "webshop", "--workers", "2"])
