"""`rememberer report RUN_DIR [RUN_DIR ...]`: learning curves, a comparison table and one HTML page.

    rememberer report runs/ENV-rememberer-* runs/ENV-llm-only-* --out reports/ENV
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.report import comparison_rows, load_summary, table, write_report


def _run(args: argparse.Namespace) -> int:
    out = args.out if args.out is not None else (
        args.runs[0] / "report" if len(args.runs) == 1 else Path("report"))
    paths = write_report(args.runs, out)
    headers, rows = comparison_rows([load_summary(d) for d in args.runs])
    print(table(headers, rows))
    print()
    for name, path in paths.items():
        print(f"{name:15} {path}")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report", help="learning curves and a comparison table of finished runs",
        description="Read the summary.json of each run folder and write curves.png (success rate "
                    "and score per epoch, train and test), comparison.txt / comparison.md (one row "
                    "per run) and report.html (both, self-contained).")
    parser.add_argument("runs", nargs="+", type=Path, metavar="RUN_DIR",
                        help="run folders written by `rememberer train` / `test`")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: RUN_DIR/report for one run, ./report for several)")
    parser.set_defaults(func=_run)
