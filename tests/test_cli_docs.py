"""docs/cli.md is generated from the argparse parsers; it must equal a fresh generation."""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.cli_docs import cli_reference, render

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_the_committed_reference_equals_a_fresh_generation():
    assert PAGE.read_text(encoding="utf-8") == cli_reference(), \
        "docs/cli.md is stale: run python scripts/make_cli_docs.py"


def test_every_command_and_visible_flag_is_on_the_page():
    page = cli_reference()
    for command in ("train", "test", "report", "play", "memory list", "memory query",
                    "memory copy", "memory drop"):
        assert f"\n## rememberer {command}\n" in page, command
    for flag in ("--memory PATH", "--chroma-host HOST", "--chroma-port PORT", "--lambda LAMBDA",
                 "--llm {local,openai,llamacpp}", "--to-memory PATH", "--observation-file FILE",
                 "--action ACTION", "--instruction INSTRUCTION", "--goal GOAL"):
        assert f"<code>{flag}" in page or f", {flag}" in page, flag
    for hidden in ("--backend", "--path PATH", "--lam LAM", "--to-path", "--host HOST", "fake"):
        assert hidden not in page, hidden


def test_render_escapes_markdown_and_keeps_code_spans():
    parser = argparse.ArgumentParser(prog="tool", description="Does *one* thing.")
    parser.add_argument("--mode", choices=("a", "b"), default="a",
                        help="pick a|b for <dir>, see `tool --help` (default %(default)s)")
    parser.add_argument("--old", help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="+", metavar="FILE", help="input_files")
    page = render(parser)
    assert "Does \\*one\\* thing." in page
    assert "tool [options] FILE [FILE ...]" in page
    assert ("| <code>--mode {a,b}</code> | pick a\\|b for &lt;dir&gt;, see `tool --help` "
            "(default a) |") in page
    assert "| <code>FILE [FILE ...]</code> | input\\_files |" in page
    assert "--old" not in page
