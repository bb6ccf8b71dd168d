"""Benchmark `train --workers N`: training episodes per minute against a server LLM.

The LLM is the loopback OpenAI-compatible test server (tests/openai_test_server.py), run in its
own process as a real server would be, answering every call after a fixed delay with the test
suite's deterministic player choosing the answer. For each N the same WikiHow training tasks are
played (the first epoch's train pass is timed: not loading the embedding model, not the test
pass) in synchronous rounds of N threads, and compared in the same run against N = 1. Then, with
the deterministic fake LLM, two reruns at the largest N must end with identical memories.

    python scripts/bench_parallel.py                            # N = 1 2 4 8 16, 0.5 s per call
    python scripts/bench_parallel.py --workers 1 2 --delay 0.1 --out /tmp/bench_parallel.json
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("REMEMBERER_TEST_LLM", "tests.fakes:fake_llm")  # the stand-ins live in tests/

from agent.commands.train import make_llm_for  # noqa: E402
from agent.run_config import add_run_arguments, capture_defaults, default_threads, resolve  # noqa: E402
from agent.runner import Runner  # noqa: E402
from memory_store.client import MemoryClient  # noqa: E402

ENV = "wikihow"


def invocation(argv: list[str]):
    parser = argparse.ArgumentParser()
    add_run_arguments(parser, "train")
    defaults = capture_defaults(parser)
    return resolve(parser, defaults, parser.parse_args(argv), "train")


def train_pass(argv: list[str]) -> tuple[float, int]:
    """(seconds of the first epoch's train pass, episodes played) of one run."""
    import torch

    inv = invocation(argv)
    torch.set_num_threads(inv.config.threads or default_threads())  # as `rememberer train` does
    runner = Runner(inv, make_llm_for(inv), out=io.StringIO())
    try:
        runner.prepare()
        tasks, _ = runner.task_lists()
        start = time.perf_counter()
        runner._pass("train", 1, tasks)  # noqa: SLF001 - the timed part of a run
        return time.perf_counter() - start, len(tasks)
    finally:
        runner.close()


def run_args(folder: Path, workers: int, tasks: int, max_steps: int) -> list[str]:
    return ["--env", ENV, "--train-set", f"0:{tasks}", "--test-set", "0:1",
            "--epochs", "1", "--max-steps", str(max_steps), "--workers", str(workers),
            "--name", "bench", "--run-dir", str(folder), "--no-progress", "--no-cache",
            "--threads", "1"]


def critical_calls(folder: Path, workers: int) -> int:
    """LLM calls on the run's critical path: per round of `workers` tasks, its longest episode's
    (what the round waits for when answers dominate)."""
    lines = (folder / "episodes.jsonl").read_text(encoding="utf-8").splitlines()
    calls = [r["llm_calls"] for r in map(json.loads, lines) if r["split"] == "train"]
    return sum(max(calls[i:i + workers]) for i in range(0, len(calls), workers))


def memory_rows(folder: Path) -> dict:
    """Every row's metadata without timestamps (what two reruns must share)."""
    with MemoryClient.connect(folder / "memory", read_only=True) as client:
        rows = client._chroma.get_collection("rememberer").get(include=["metadatas"])  # noqa: SLF001
    return {i: {k: v for k, v in m.items() if k not in ("created_at", "updated_at")}
            for i, m in zip(rows["ids"], rows["metadatas"])}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def llm_server(delay: float):
    """The loopback test server in a process of its own; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "openai_test_server.py"), "--port", str(port),
         "--player", ENV, "--delay", str(delay)], cwd=ROOT, stdout=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the loopback LLM server did not start")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8, 16])
    parser.add_argument("--delay", type=float, default=0.5, help="seconds per LLM answer")
    parser.add_argument("--tasks", type=int, default=None,
                        help="training tasks played at every N (default: 2 rounds of the largest N)")
    parser.add_argument("--max-steps", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench_results/parallel.json"))
    args = parser.parse_args()
    largest = max(args.workers)
    tasks = args.tasks or 2 * largest

    results = []
    with tempfile.TemporaryDirectory() as tmp, llm_server(args.delay) as base_url:
        llm = ["--llm", "openai", "--base-url", base_url, "--model", "test-chat",
               "--api-key", "loopback"]
        for workers in args.workers:
            folder = Path(tmp) / f"n{workers}"
            seconds, episodes = train_pass([*run_args(folder, workers, tasks, args.max_steps), *llm])
            results.append({"workers": workers, "episodes": episodes, "seconds": round(seconds, 2),
                            "episodes_per_min": round(60 * episodes / seconds, 1),
                            "critical_llm_calls": critical_calls(folder, workers)})
        with contextlib.redirect_stdout(io.StringIO()):
            for name in ("a", "b"):
                train_pass([*run_args(Path(tmp) / f"fake-{name}", largest, tasks, args.max_steps),
                            "--llm", "fake"])
        identical = memory_rows(Path(tmp) / "fake-a") == memory_rows(Path(tmp) / "fake-b")
    base = next((r for r in results if r["workers"] == 1), results[0])
    load = os.getloadavg()
    print(f"train --workers N (threads), {ENV}, the same {tasks} tasks at every N, max "
          f"{args.max_steps} steps, LLM answers after {args.delay} s; load average at the end "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'N':>3} {'episodes':>8} {'seconds':>8} {'episodes/min':>12} {'speed-up':>8} "
          f"{'target 0.8N':>11} {'rounds allow':>12}")
    for r in results:
        r["speedup"] = round(r["episodes_per_min"] / base["episodes_per_min"], 2)
        r["meets_target"] = r["speedup"] >= 0.8 * r["workers"] / base["workers"]
        # The speed-up if only waiting for answers counted: N = 1's calls over this run's
        # critical-path calls (a round waits for its longest episode).
        r["rounds_allow"] = round(base["critical_llm_calls"] / r["critical_llm_calls"], 2)
        print(f"{r['workers']:>3} {r['episodes']:>8} {r['seconds']:>8.2f} "
              f"{r['episodes_per_min']:>12.1f} {r['speedup']:>7.2f}x "
              f"{'yes' if r['meets_target'] else 'NO':>11} {r['rounds_allow']:>11.2f}x")
    print(f"fake LLM, two reruns at N = {largest}: memories "
          f"{'identical' if identical else 'DIFFERENT'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M"), "delay": args.delay, "tasks": tasks,
        "max_steps": args.max_steps, "load_average": [round(x, 2) for x in load],
        "results": results, "reruns_identical": identical,
    }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
