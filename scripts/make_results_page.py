"""Write docs/results.md, and the README's results block, from the experiment results committed
under docs/results/.

    python scripts/make_results_page.py --add experiments/webshop-main   # copy its results in, render
    python scripts/make_results_page.py                                  # render from docs/results/
    python scripts/make_results_page.py --check                          # is docs/results.md current?

`--add` copies an experiment's results.json and plots (what `rememberer experiment` wrote in
experiments/<name>/results/) to docs/results/<name>/; commit those files with the page. The
README's lines between `<!-- results:headline -->` and `<!-- /results:headline -->` get one row
per published experiment comparing Rememberer with LLM-only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.errors import AgentError  # noqa: E402
from agent.experiment_report import headline, publish, results_page  # noqa: E402

START, END = "<!-- results:headline -->", "<!-- /results:headline -->"


def with_headline(readme: str, block: str) -> str:
    """The README text with its results block replaced by `block`."""
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise AgentError(f"README.md needs exactly one {START} ... {END} block")
    head, rest = readme.split(START)
    return f"{head}{START}\n{block}\n{END}{rest.split(END, 1)[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", type=Path, nargs="+", default=[], metavar="EXPERIMENT_DIR",
                        help="experiment folders whose results to copy into docs/results/ first")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the docs folder")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md",
                        help="the README whose results block is rewritten")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when docs/results.md or the README's results "
                             "block differs from a fresh render")
    args = parser.parse_args(argv)
    page = args.docs / "results.md"
    try:
        for folder in args.add:
            print(f"copied {folder} -> {publish(folder, args.docs)}")
        outputs = {page: results_page(args.docs),
                   args.readme: with_headline(args.readme.read_text(encoding="utf-8"),
                                              headline(args.docs))}
    except (AgentError, OSError) as exc:
        print(f"make_results_page: error: {exc}", file=sys.stderr)
        return 2
    stale = [path for path, text in outputs.items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path} is not the render of {args.docs / 'results'}; run "
                  "python scripts/make_results_page.py", file=sys.stderr)
        if not stale:
            print(f"{page} and the results block of {args.readme} are current")
        return 1 if stale else 0
    for path, text in outputs.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
