"""Steps, no-op steps, LLM calls and tokens per step of run folders (from their episodes.jsonl).

    python scripts/run_steps.py runs/<webshop run> runs/<wikihow run>
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def row(run: Path) -> dict:
    episodes = [json.loads(line) for line in (run / "episodes.jsonl").read_text(encoding="utf-8").splitlines()]
    steps = sum(e["n_steps"] for e in episodes)
    summary = run / "summary.json"
    status = json.loads(summary.read_text(encoding="utf-8")).get("status", "") if summary.exists() else ""
    return {
        "run": run.name, "status": status, "episodes": len(episodes), "steps": steps,
        "noop_steps": sum(e["noops"] for e in episodes),
        "llm_calls_per_step": sum(e["llm_calls"] for e in episodes) / steps,
        "prompt_tokens_per_step": sum(e["prompt_tokens"] for e in episodes) / steps,
        "completion_tokens_per_step": sum(e["completion_tokens"] for e in episodes) / steps,
        "mean_score": sum(e["score"] for e in episodes) / len(episodes),
        "episode_seconds": sum(e["seconds"] for e in episodes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="+", type=Path)
    args = parser.parse_args()
    print("| run | status | episodes | steps | no-op steps | LLM calls/step | prompt tokens/step "
          "| answer tokens/step | mean score | time in episodes |")
    print("|" + "---|" * 10)
    for run in args.runs:
        r = row(run)
        print(f"| {r['run']} | {r['status']} | {r['episodes']} | {r['steps']} | {r['noop_steps']} "
              f"| {r['llm_calls_per_step']:.2f} | {r['prompt_tokens_per_step']:.0f} "
              f"| {r['completion_tokens_per_step']:.1f} | {r['mean_score']:.3f} "
              f"| {r['episode_seconds'] / 60:.1f} min |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
