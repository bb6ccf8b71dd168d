"""The command behind the scripts that rebuild files the repository ships (the exemplar sets):
write the files whose text changed, or with `--check` only list them."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path


def stale_files(files: Mapping[Path, str]) -> list[Path]:
    """The paths whose file is missing or holds other text."""
    return [path for path, text in files.items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def regenerate(prog: str, description: str, render: Callable[[], Mapping[Path, str]],
               errors: type[Exception] | tuple[type[Exception], ...],
               argv: list[str] | None = None) -> int:
    """Build the files with `render()` and write the stale ones (exit code 0), or with --check
    list them (exit code 1 if any); one of `errors` while building is one line, exit code 2."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--check", action="store_true", help="only compare with the files")
    args = parser.parse_args(argv)
    try:
        files = render()
    except errors as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return 2
    stale = stale_files(files)
    if args.check:
        for path in stale:
            print(f"out of date: {path}")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {path}")
    return 0
