"""`rememberer experiment CONFIG.toml`: a grid of runs on the same test tasks, and its results.

    rememberer experiment scripts/configs/experiments/webshop-main.toml
    rememberer experiment scripts/configs/experiments/webshop-main.toml --report-only
    rememberer experiment my-grid.toml --concurrency 8     # a server LLM: test episodes at once
    rememberer experiment my-grid.toml --threads 1 &  rememberer experiment my-grid.toml --threads 1
                                                           # two processes share the runs out
"""

from __future__ import annotations

import argparse
from pathlib import Path

from agent.experiment import EXPERIMENTS_ROOT, RESULTS_DIR, Overrides
from agent.experiment_config import load_plan


def _run(args: argparse.Namespace) -> int:
    from agent.experiment import run_experiment
    from agent.experiment_report import arm_rows, comparison_rows, report
    from agent.report import table

    plan = load_plan(args.config)
    folder = args.dir if args.dir is not None else EXPERIMENTS_ROOT / plan.name
    overrides = Overrides(concurrency=args.concurrency, threads=args.threads,
                          progress=not args.no_progress, api_key=args.api_key)
    if args.plan:
        from agent.experiment import check_runs
        from agent.experiment_progress import progress, progress_rows, total_line
        from agent.report import table

        items = progress(folder, check_runs(plan, folder, overrides)[1])
        print(f"Experiment {plan.name}: {len(plan.runs)} runs in {folder}")
        print(table(*progress_rows(items)))
        print(total_line(items))
        return 0

    def write_report() -> dict:
        return report(plan, folder, config_path=str(args.config))

    if not args.report_only:
        print(f"Experiment {plan.name}: {len(plan.runs)} runs in {folder}")
        run_experiment(plan, folder, overrides, report=write_report)
    results = write_report()
    print()
    print(table(*arm_rows(results)))
    if results["comparisons"]:
        print()
        print(table(*comparison_rows(results)))
    print(f"\n{results['scoring']['score_meaning']}; {results['scoring']['success_meaning']}.")
    print(f"Results: {folder / RESULTS_DIR} (results.md, results.html, results.json, plots)")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "experiment", help="run a grid of runs (policies, ablations, exemplar and training sets, "
                           "seeds) on the same test tasks and compare them",
        description="Play every run of an experiment file (see scripts/configs/experiments/) as "
                    "ordinary run folders under the experiment folder, then compute the results: "
                    "per arm the test score and success rate with bootstrap intervals, paired "
                    "differences to the baseline, and learning curves (Markdown, HTML, PNG, "
                    "JSON). Finished runs are not played again; an interrupted run resumes. Two "
                    "processes started on the same experiment share its runs out (each run is "
                    "played under a lock).")
    parser.add_argument("config", type=Path, metavar="CONFIG.toml", help="the experiment file")
    parser.add_argument("--dir", type=Path, default=None, metavar="DIR",
                        help="experiment folder (default experiments/<name>)")
    parser.add_argument("--report-only", action="store_true",
                        help="play nothing: recompute the results from the run folders there")
    parser.add_argument("--plan", action="store_true",
                        help="play nothing: list the runs, whether each is finished, its episodes played "
                             "and planned, and the play time left at the pace so far")
    parser.add_argument("--concurrency", type=int, metavar="N", default=None,
                        help="test episodes played at once in every run, for server LLMs")
    parser.add_argument("--threads", type=int, metavar="N", default=None,
                        help="CPU threads for the local LLM and the embeddings")
    parser.add_argument("--api-key", default=None, help="API key of a server LLM (default: "
                                                         "OPENAI_API_KEY); never written")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    parser.set_defaults(func=_run)
