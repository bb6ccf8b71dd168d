"""Per-step LLM time of the local model: recorded prompts replayed through each inference path.

`scripts/data/llm_prompts.json.gz` holds real calls recorded from quick runs of both task sets
(`scripts/record_prompts.py`, before this change): the policy's state, the exemplars with their
advice and the prompt text as sent. Every path below replays the same steps in the same order, as
the policy would: attempt 1 greedy, and while the answer cannot be parsed, attempts 2 and 3 at
temperature 0.7 and 1.0 (seeded), so a step's time includes its retries.

    baseline          the recorded prompt, free text, transformers `generate` in fp32 (the path
                      before constrained decoding), 1 thread
    constrained       the recorded prompt, answers constrained to the state's valid actions
                      (llguidance), our decoding loop, 1 thread
    +diet             the step re-rendered with the current prompt (history without reasons,
                      the request stated once)
    +diet +prefix     + reuse of the key/value cache of the prompt blocks seen before
    +2 prefill thr.   + 2 threads for prompt processing, 1 for decoding
    int8 ...          (with --int8) + dynamically quantised int8 linear layers (other weights:
                      compare success rates, not answers)

It prints a table (p50 / p95 seconds per step, calls per step, prompt tokens, prefill tokens/s,
decode ms/token, unusable answers, speed-up against the baseline) and writes every answer and
timing to a JSON file. Answers of paths with the same weights, prompt and constraint must be
identical (greedy); the table says where they are.

    python scripts/bench_llm.py                       # all paths, JSON to bench_llm.json
    python scripts/bench_llm.py --limit 4 --paths baseline constrained
    python scripts/bench_llm.py --report docs/benchmarks/bench_llm.json   # tables of a saved run
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DATA = Path(__file__).resolve().parent / "data" / "llm_prompts.json.gz"


@dataclass(frozen=True)
class InferencePath:
    name: str
    prompt: str = "recorded"  # recorded | diet
    constrained: bool = True
    reuse_prefix: bool = False
    prefill_threads: int = 1
    decode_threads: int = 1
    hf_generate: bool = False  # transformers' own generate loop (the old path)
    int8: bool = False


PATHS = [
    InferencePath("baseline", constrained=False, hf_generate=True),
    InferencePath("constrained"),
    InferencePath("+diet", prompt="diet"),
    InferencePath("+diet +prefix", prompt="diet", reuse_prefix=True),
    InferencePath("+2 prefill thr.", prompt="diet", reuse_prefix=True, prefill_threads=2),
]
INT8_PATHS = [InferencePath("int8 +diet +prefix", prompt="diet", reuse_prefix=True, int8=True)]


@dataclass
class CallResult:
    text: str
    seconds: float
    prompt_tokens: int
    reused_tokens: int
    new_tokens: int
    prefill_seconds: float
    decode_seconds: float


@dataclass
class StepResult:
    env: str
    episode: int
    step: int
    calls: list[CallResult] = field(default_factory=list)
    action: str = ""
    ok: bool = False

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.calls)


# --- prompts --------------------------------------------------------------------------------

def load_calls(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)["calls"]


def _state(data: dict):
    """A recorded state (the flat layout of the recording code) as today's `State`."""
    from environments.registry import spec

    env = spec(data["env"])
    details = {f.name: data[f.name] for f in env.fields if f.name in data}
    return env.new_state(data["task"], data["observation"], tuple(data["history"]), **details)


def rerender(call: dict) -> str:
    """The recorded step as the current prompt code renders it (same state, exemplars, advice)."""
    from agent.prompts import Advice, AdviceLine, join_prompt, render_exemplar, render_query
    from environments.registry import spec

    profile = spec(call["env"])
    blocks = []
    for item in call["exemplars"]:
        advice = Advice(*(tuple(AdviceLine(**line) for line in item["advice"][part])
                          for part in ("encouraged", "discouraged")))
        blocks.append(render_exemplar(profile, _state(item["state"]), advice))
    return join_prompt(profile, blocks, render_query(profile, _state(call["state"])))


# --- the two ways of running the model ------------------------------------------------------

def hf_generate(model, tokenizer, prompt: str, *, max_tokens: int, stop: list[str],
                temperature: float, seed: int) -> CallResult:
    """The local backend before this change: transformers' `generate` with stop strings."""
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    marks: list[float] = []

    class Clock(LogitsProcessor):
        def __call__(self, input_ids, scores):
            marks.append(time.perf_counter())
            return scores

    start = time.perf_counter()
    inputs = tokenizer(prompt, return_tensors="pt")
    n_prompt = int(inputs["input_ids"].shape[1])
    options = {"max_new_tokens": max_tokens, "pad_token_id": tokenizer.pad_token_id,
               "logits_processor": LogitsProcessorList([Clock()])}
    if stop:
        options.update(stop_strings=list(stop), tokenizer=tokenizer)
    options.update(do_sample=True, temperature=temperature) if temperature > 0 else options.update(do_sample=False)
    with torch.inference_mode(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        output = model.generate(**inputs, **options)
    end = time.perf_counter()
    new = output[0, n_prompt:]
    text = tokenizer.decode(new, skip_special_tokens=True)
    from agent.llm import truncate_at_stop

    first = marks[0] if marks else end
    return CallResult(truncate_at_stop(text, stop), end - start, n_prompt, 0, int(new.shape[0]),
                      first - start, end - first)


def decoder_call(decoder, tokenizer, prompt: str, *, max_tokens: int, stop: list[str],
                 temperature: float, seed: int, regex: str | None) -> CallResult:
    from agent.llm import truncate_at_stop

    start = time.perf_counter()
    ids = tokenizer(prompt)["input_ids"]

    def stopped(new_ids):
        text = tokenizer.decode(new_ids[-16:], skip_special_tokens=True)
        return any(s in text for s in stop)

    new, stats = decoder.generate(ids, max_tokens=max_tokens, temperature=temperature, seed=seed,
                                  regex=regex, stop_check=stopped if stop else None)
    end = time.perf_counter()
    text = truncate_at_stop(tokenizer.decode(new, skip_special_tokens=True), stop)
    return CallResult(text, end - start, len(ids), stats.reused_tokens, len(new),
                      stats.prefill_seconds, stats.decode_seconds)


# --- replay ---------------------------------------------------------------------------------

class Runner:
    """One inference path with its own decoder (and so its own prefix cache)."""

    def __init__(self, path: InferencePath, model, tokenizer):
        from agent.llm_local import _block_end_ids
        from agent.local_decoding import Decoder

        self.path, self.model, self.tokenizer = path, model, tokenizer
        self.decoder = Decoder(model, tokenizer, prefill_threads=path.prefill_threads,
                               decode_threads=path.decode_threads, reuse_prefix=path.reuse_prefix,
                               boundary_ids=frozenset(_block_end_ids(tokenizer)))

    def step(self, call: dict, seed: int) -> StepResult:
        """One recorded step, retried as the policy retries an unusable answer."""
        import torch

        from agent.constraints import ADVICE, AnswerConstraint
        from agent.parsing import parse_advice
        from agent.policies import MAX_ATTEMPTS, RETRY_TEMPERATURES
        from environments.registry import spec

        path = self.path
        profile = spec(call["env"])
        prompt = call["prompt"] if path.prompt == "recorded" else rerender(call)
        regex = None
        if path.constrained:
            regex = AnswerConstraint(ADVICE, tuple(profile.action_patterns(_state(call["state"])))).regex()
        step = StepResult(call["env"], call["episode"], call["step"])
        for attempt in range(MAX_ATTEMPTS):
            temperature = 0.0 if attempt == 0 else RETRY_TEMPERATURES[min(attempt, len(RETRY_TEMPERATURES)) - 1]
            options = dict(max_tokens=call["max_tokens"], stop=call["stop"], temperature=temperature, seed=seed)
            if path.hf_generate:
                torch.set_num_threads(path.prefill_threads)
                result = hf_generate(self.model, self.tokenizer, prompt, **options)
            else:
                result = decoder_call(self.decoder, self.tokenizer, prompt, regex=regex, **options)
            step.calls.append(result)
            parsed = parse_advice(result.text, profile.syntax)
            if parsed.ok:
                step.action, step.ok = parsed.action, True
                break
        return step


def replay(runners: list[Runner], calls: list[dict], seed: int) -> dict[str, list[StepResult]]:
    """Every step through every path, one step at a time (so that a change of the machine's load
    during the run falls on all paths alike)."""
    results: dict[str, list[StepResult]] = {r.path.name: [] for r in runners}
    for call in calls:
        for runner in runners:
            step = runner.step(call, seed)
            results[runner.path.name].append(step)
            print(f"  {runner.path.name:16} {call['env']:8} ep{call['episode']} step{call['step']}: "
                  f"{step.seconds:6.2f} s, {len(step.calls)} call(s), {step.action or 'NO-OP'}", flush=True)
    return results


def quantized_copy(model):
    """The model with its transformer's linear layers in dynamic int8.

    The output layer stays fp32: the decoder computes only the rows the grammar allows, which needs
    its weight as a plain tensor (and it is tied to the embedding)."""
    import copy

    import torch

    clone = copy.deepcopy(model)
    clone.model = torch.ao.quantization.quantize_dynamic(clone.model, {torch.nn.Linear},
                                                         dtype=torch.qint8)
    return clone


# --- report ---------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(name: str, steps: list[StepResult], baseline: float | None) -> dict:
    calls = [c for s in steps for c in s.calls]
    seconds = [s.seconds for s in steps]
    fresh = sum(c.prompt_tokens - c.reused_tokens for c in calls)
    prefill = sum(c.prefill_seconds for c in calls)
    decoded = sum(max(c.new_tokens - 1, 0) for c in calls)
    decode = sum(c.decode_seconds for c in calls)
    mean = statistics.fmean(seconds)
    return {
        "path": name, "steps": len(steps), "calls": len(calls),
        "p50_step_s": percentile(seconds, 50), "p95_step_s": percentile(seconds, 95),
        "mean_step_s": mean, "calls_per_step": len(calls) / len(steps),
        "prompt_tokens_per_call": statistics.fmean(c.prompt_tokens for c in calls),
        "reused_tokens_per_call": statistics.fmean(c.reused_tokens for c in calls),
        "new_tokens_per_call": statistics.fmean(c.new_tokens for c in calls),
        "prefill_tokens_per_s": fresh / prefill if prefill else 0.0,
        "decode_ms_per_token": 1000 * decode / decoded if decoded else 0.0,
        "noop_steps": sum(not s.ok for s in steps),
        "speedup": baseline / mean if baseline else 1.0,
    }


def table(rows: list[dict], same: dict[str, str]) -> str:
    head = ("| path | p50 s/step | p95 s/step | mean s/step | calls/step | prompt tok | reused tok "
            "| new tok | prefill tok/s | decode ms/tok | no-op steps | speed-up | same answers as |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        lines.append(
            f"| {r['path']} | {r['p50_step_s']:.2f} | {r['p95_step_s']:.2f} | {r['mean_step_s']:.2f} "
            f"| {r['calls_per_step']:.2f} | {r['prompt_tokens_per_call']:.0f} "
            f"| {r['reused_tokens_per_call']:.0f} | {r['new_tokens_per_call']:.1f} "
            f"| {r['prefill_tokens_per_s']:.0f} | {r['decode_ms_per_token']:.0f} "
            f"| {r['noop_steps']}/{r['steps']} | {r['speedup']:.2f}x | {same.get(r['path'], '')} |")
    return "\n".join(lines)


def per_task_set(answers: dict[str, list[dict]]) -> str:
    """Mean seconds per step of each path on each task set, and its speed-up over the baseline."""
    envs = list(dict.fromkeys(a["env"] for steps in answers.values() for a in steps))
    means = {name: {env: statistics.fmean(sum(a["seconds"]) for a in steps if a["env"] == env)
                    for env in envs} for name, steps in answers.items()}
    base = means.get("baseline")
    lines = ["| path | " + " | ".join(f"{env} s/step | {env} speed-up" for env in envs) + " |",
             "|---|" + "---|---|" * len(envs)]
    for name, row in means.items():
        cells = [f"{row[env]:.2f} | {base[env] / row[env]:.2f}x" if base else f"{row[env]:.2f} | " for env in envs]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_report(out: dict) -> None:
    print(f"{out['command']}  ({out['date']}, {out['steps']} steps, load average at the end "
          f"{out['load_average_end']:.1f})\n")
    print(table(out["summary"], out["same_answers"]))
    print()
    print(per_task_set(out["answers"]))


def main() -> int:
    parser = argparse.ArgumentParser(description="Replay recorded prompts through the local inference paths.")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--paths", nargs="*", default=None, help="path names to run (default: all)")
    parser.add_argument("--int8", action="store_true", help="also run the int8 path")
    parser.add_argument("--limit", type=int, default=None, help="replay only the first N steps per task set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, default=Path("bench_llm.json"))
    parser.add_argument("--report", type=Path, default=None, metavar="JSON",
                        help="print the tables of an earlier run's JSON file and exit")
    args = parser.parse_args()
    if args.report:
        print_report(json.loads(args.report.read_text(encoding="utf-8")))
        return 0

    import torch

    from agent.llm import make_llm

    calls = load_calls(args.data)
    if args.limit:
        calls = [c for env in dict.fromkeys(c["env"] for c in calls)
                 for c in [x for x in calls if x["env"] == env][: args.limit]]
    llm = make_llm("local", use_cache=False)
    llm.load()
    model, tokenizer = llm._model, llm._tokenizer  # noqa: SLF001 - the benchmark drives the model itself
    paths = PATHS + (INT8_PATHS if args.int8 else [])
    if args.paths:
        paths = [p for p in paths if p.name in args.paths]
    print(f"{len(calls)} recorded steps; load average {os.getloadavg()[0]:.1f}; "
          f"torch {torch.__version__}, {platform.processor() or platform.machine()}", flush=True)

    started = time.strftime("%Y-%m-%d %H:%M")
    int8_model = quantized_copy(model) if any(p.int8 for p in paths) else None
    runners = [Runner(p, int8_model if p.int8 else model, tokenizer) for p in paths]
    shared = runners[0].decoder
    shared._matcher("x")  # noqa: SLF001 - build the grammar engine's tokenizer once, untimed
    for runner in runners:
        runner.decoder._guide_tokenizer = shared._guide_tokenizer  # noqa: SLF001
    results = replay(runners, calls, args.seed)

    base = results.get("baseline")
    base_mean = statistics.fmean(s.seconds for s in base) if base else None
    rows = [summarize(name, steps, base_mean) for name, steps in results.items()]
    same = identical_answers(paths, results)
    out = {"date": started, "load_average_end": os.getloadavg()[0], "steps": len(calls),
           "command": " ".join(["python", "scripts/bench_llm.py", *sys.argv[1:]]),
           "summary": rows, "same_answers": same,
           "answers": {name: [{"env": s.env, "episode": s.episode, "step": s.step, "action": s.action,
                               "ok": s.ok, "texts": [c.text for c in s.calls],
                               "seconds": [round(c.seconds, 3) for c in s.calls]} for s in steps]
                       for name, steps in results.items()}}
    print()
    print_report(out)
    args.json.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


def identical_answers(paths: list[InferencePath], results: dict[str, list[StepResult]]) -> dict[str, str]:
    """For each path, the earlier path with the same weights, prompt and constraint whose
    first-attempt answers it repeats exactly (or a count of the differences)."""
    out = {}
    for i, path in enumerate(paths):
        for earlier in paths[:i]:
            if (earlier.prompt, earlier.constrained, earlier.int8, earlier.hf_generate) == \
                    (path.prompt, path.constrained, path.int8, path.hf_generate):
                mine = [s.calls[0].text for s in results[path.name]]
                theirs = [s.calls[0].text for s in results[earlier.name]]
                diff = sum(a != b for a, b in zip(mine, theirs))
                out[path.name] = earlier.name if diff == 0 else f"{earlier.name} except {diff}"
                break
    return out


if __name__ == "__main__":
    raise SystemExit(main())
