"""What WebShop runs bought, and what the same purchases would have scored with the requested options.

    python scripts/webshop_purchases.py /work/experiments/webshop-main            # every run in it
    python scripts/webshop_purchases.py RUN_DIR [RUN_DIR ...] --out purchases.json

For each run folder (an `episodes.jsonl`), the test episodes of its last test pass are replayed in
the bundled WebShop simulator (each replay must end with the logged reward). A row counts the
purchases, the episodes that clicked any product option, the successes, and then the
"requested options" columns: the same product bought with the options the request names chosen on
it (the oracle's choice, `environments.webshop.oracle.option_choices`) instead of the ones the
agent chose. The gap between the two success columns is what choosing options alone would add to
these purchases; the agent's choice of product stays as it was.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.experiment_report import episode_records  # noqa: E402
from environments.webshop.env import WebShopEnv  # noqa: E402
from environments.webshop.oracle import option_choices  # noqa: E402
from environments.webshop.reward import purchase_reward  # noqa: E402

COLUMNS = ("run", "test pass", "episodes", "purchases", "clicked an option", "successes",
           "successes with requested options", "mean score", "mean score with requested options")


def last_test_pass(run: Path) -> tuple[int, list[dict]]:
    tests = [e for e in episode_records(run) if e["split"] == "test"]
    if not tests:
        raise ValueError(f"{run} has no test episodes")
    last = max(e["epoch"] for e in tests)
    return last, sorted((e for e in tests if e["epoch"] == last), key=lambda e: e["task"])


def replay(env: WebShopEnv, episode: dict) -> dict:
    """The episode played again: its purchase (or None) and both rewards."""
    _, info = env.reset(options={"goal": episode["task"]})
    clicked_option = False
    reward = 0.0
    for step in episode["steps"]:
        _, reward, terminated, _, info = env.step(step["action"])
        clicked_option |= bool(env.state.options)  # an item page's chosen options so far
        if terminated:
            break
    if abs(reward - episode["final_reward"]) > 1e-9:
        raise ValueError(f"{episode['episode_id']}: the replay ends with reward {reward}, the log "
                         f"says {episode['final_reward']} (another WebShop data set?)")
    if "asin" not in info:
        return {"bought": False, "options": clicked_option, "reward": reward,
                "with_options": reward}
    catalogue = env.catalogue
    product, goal = catalogue.by_asin[info["asin"]], catalogue.goal(episode["task"])
    best = purchase_reward(product, goal, catalogue.prices[product.asin],
                           option_choices(product, goal.goal_options))
    return {"bought": True, "options": clicked_option, "reward": reward,
            "with_options": max(reward, best.reward)}


def summarize(env: WebShopEnv, run: Path) -> dict:
    epoch, episodes = last_test_pass(run)
    played = [replay(env, e) for e in episodes]
    return {
        "run": run.name, "test pass": epoch, "episodes": len(played),
        "purchases": sum(p["bought"] for p in played),
        "clicked an option": sum(p["options"] for p in played),
        "successes": sum(p["reward"] == 1.0 for p in played),
        "successes with requested options": sum(p["with_options"] == 1.0 for p in played),
        "mean score": round(statistics.fmean(p["reward"] for p in played), 3),
        "mean score with requested options":
            round(statistics.fmean(p["with_options"] for p in played), 3),
    }


def run_folders(paths: list[Path]) -> list[Path]:
    folders: list[Path] = []
    for path in paths:
        if (path / "episodes.jsonl").is_file():
            folders.append(path)
        elif (path / "runs").is_dir():
            folders += sorted(p for p in (path / "runs").iterdir() if (p / "episodes.jsonl").is_file())
        else:
            raise ValueError(f"{path} is neither a run folder nor an experiment folder")
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="run folders or experiment folders")
    parser.add_argument("--out", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)
    env = WebShopEnv(max_steps=10_000)  # the logged episodes already obeyed their step limit
    try:
        rows = [summarize(env, run) for run in run_folders(args.paths)]
    except (ValueError, KeyError, OSError) as exc:
        print(f"webshop_purchases: {exc}", file=sys.stderr)
        return 2
    print(" | ".join(COLUMNS))
    for row in rows:
        print(" | ".join(str(row[c]) for c in COLUMNS))
    if args.out:
        args.out.write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
