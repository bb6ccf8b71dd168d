"""Write docs/results.md from the experiment results committed under docs/results/.

    python scripts/make_results_page.py --add experiments/webshop-main   # copy its results in, render
    python scripts/make_results_page.py                                  # render from docs/results/
    python scripts/make_results_page.py --check                          # is docs/results.md current?

`--add` copies an experiment's results.json and plots (what `rememberer experiment` wrote in
experiments/<name>/results/) to docs/results/<name>/; commit those files with the page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.errors import AgentError  # noqa: E402
from agent.experiment_report import publish, results_page  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", type=Path, nargs="+", default=[], metavar="EXPERIMENT_DIR",
                        help="experiment folders whose results to copy into docs/results/ first")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs", help="the docs folder")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when docs/results.md differs from a fresh render")
    args = parser.parse_args(argv)
    page = args.docs / "results.md"
    try:
        for folder in args.add:
            print(f"copied {folder} -> {publish(folder, args.docs)}")
        text = results_page(args.docs)
    except AgentError as exc:
        print(f"make_results_page: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = page.read_text(encoding="utf-8") if page.exists() else ""
        if current != text:
            print(f"{page} is not the render of {args.docs / 'results'}; run "
                  "python scripts/make_results_page.py", file=sys.stderr)
            return 1
        print(f"{page} is current")
        return 0
    page.write_text(text, encoding="utf-8")
    print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
