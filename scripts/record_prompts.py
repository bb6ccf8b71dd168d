"""Record the prompts of real runs, for `scripts/bench_llm.py` to replay.

Runs `rememberer train` with the given arguments (e.g. a quick config and the local model) and
writes one JSON line per LLM call: the policy's state, the exemplars with the advice shown under
them, the prompt text exactly as sent, the call's settings and the answer. The state and the
exemplars let the benchmark render the same step again with another prompt format; the prompt
text is the step as the recording code rendered it.

    python scripts/record_prompts.py --out /tmp/webshop-calls.jsonl -- \\
        --config scripts/configs/webshop-quick.toml --run-dir /tmp/rec-webshop --no-progress

Then keep a few whole episodes (so that consecutive prompts share what they share in a run):
`--select 0 2 --steps 6 --from A.jsonl B.jsonl --out scripts/data/llm_prompts.json.gz`.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _state_json(state) -> dict:
    return dataclasses.asdict(state)


def _advice_json(advice) -> dict:
    return {part: [dataclasses.asdict(line) for line in getattr(advice, part)]
            for part in ("encouraged", "discouraged")}


def record(out: Path, train_args: list[str]) -> int:
    """Run `rememberer train <train_args>` and append every LLM call to `out`."""
    import agent.commands.train as train
    import agent.policies as policies

    prompts: dict[str, dict] = {}
    original_build = policies.build_prompt

    def build_prompt(profile, state, retrieved, **kwargs):
        prompt = original_build(profile, state, retrieved, **kwargs)
        prompts[prompt.text] = {
            "env": profile.name, "state": _state_json(state),
            "exemplars": [{"state": _state_json(item.state), "advice": _advice_json(advice)}
                          for item, advice in zip(prompt.exemplars, prompt.advice)],
        }
        return prompt

    original_make = train.make_llm_for

    def make_llm_for(inv):
        llm = original_make(inv)
        complete = llm.complete

        def recording_complete(prompt, **kwargs):
            answer = complete(prompt, **kwargs)
            row = {**prompts.get(prompt, {}), "prompt": prompt, "llm": llm.name,
                   "max_tokens": kwargs.get("max_tokens"), "stop": list(kwargs.get("stop", ())),
                   "temperature": kwargs.get("temperature"), "answer": answer.text}
            with out.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            return answer

        llm.complete = recording_complete
        return llm

    policies.build_prompt = build_prompt
    train.make_llm_for = make_llm_for
    return train.main(["train", *train_args])


def episodes(rows: list[dict]) -> list[list[dict]]:
    """The first-attempt calls of a recording, split into episodes (a new one starts where the
    state's history is empty)."""
    first = [r for r in rows if r.get("temperature") is None and r.get("state")]
    split: list[list[dict]] = []
    for row in first:
        if not row["state"]["history"] or not split:
            split.append([])
        split[-1].append(row)
    return split


def select(sources: list[Path], picks: list[int], steps: int, out: Path) -> None:
    """Keep episodes `picks` (indices in run order) of every source, at most `steps` steps each."""
    kept = []
    for source in sources:
        rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
        runs = episodes(rows)
        for index in (i for i in picks if i < len(runs)):  # a short recording has fewer
            kept += [{**row, "episode": index, "step": n}
                     for n, row in enumerate(runs[index][:steps])]
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump({"calls": kept}, handle, ensure_ascii=False, indent=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--select", type=int, nargs="+", default=None, metavar="EPISODE",
                        help="instead of running: keep these episodes (run order) of each --from file")
    parser.add_argument("--steps", type=int, default=6, help="steps kept per selected episode")
    parser.add_argument("--from", dest="sources", type=Path, nargs="*", default=[])
    parser.add_argument("train_args", nargs="*", help="arguments of `rememberer train` (after --)")
    args = parser.parse_args()
    if args.select is not None:
        select(args.sources, args.select, args.steps, args.out)
        return 0
    return record(args.out, args.train_args)


if __name__ == "__main__":
    raise SystemExit(main())
