"""Write docs/cli.md, the command-line reference, from the `rememberer` argparse parsers.

    python scripts/make_cli_docs.py            # rewrite docs/cli.md
    python scripts/make_cli_docs.py --check    # exit 1 when docs/cli.md differs from a fresh page
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from agent.cli_docs import cli_reference

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PAGE, help="page to write (default docs/cli.md)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when the page differs from a fresh one")
    args = parser.parse_args(argv)
    fresh = cli_reference()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != fresh:
            print(f"{args.out} is stale: run python scripts/make_cli_docs.py", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    args.out.write_text(fresh, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
