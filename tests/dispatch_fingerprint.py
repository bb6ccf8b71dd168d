"""A short seeded train + test with the fake LLM on each environment, reduced to one hash each.

The hash covers what a run leaves: every episode (actions, rewards, exemplar scores, memory
updates) and the exported memory (states, actions, Q values, visits, reasons). Wall-clock fields
(`seconds`, `created_at`, `updated_at`) are left out; nothing else is. Equal hashes under
different NumPy dispatch levels mean the same run on every CPU.

    .venv/bin/python -m tests.dispatch_fingerprint          # {"webshop": hash, "wikihow": hash}
    .venv/bin/python -m tests.dispatch_fingerprint --ties   # how NumPy orders ties here
    .venv/bin/python -m tests.dispatch_fingerprint --features no-avx512   # a level's variable
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

ENVS = ("webshop", "wikihow")
TASKS = {  # training tasks, then test tasks: a few episodes each
    "webshop": ("500:503", "0:3"),
    "wikihow": ("70:74", "0:4"),
}
CLOCK_FIELDS = frozenset({"seconds", "created_at", "updated_at"})

# NumPy dispatch levels, as values of NPY_DISABLE_CPU_FEATURES: the CPU's best kernels, no
# AVX-512 kernels, and neither AVX-512 nor AVX2 kernels (the SSE baseline). NumPy 2.4 groups
# them as X86_V4 / AVX512_ICL / AVX512_SPR and X86_V3; older releases use the single names.
AVX512 = ("AVX512F AVX512CD AVX512VPOPCNTDQ AVX512VL AVX512BW AVX512DQ AVX512VNNI AVX512IFMA "
          "AVX512VBMI AVX512VBMI2 AVX512BITALG AVX512BF16 AVX512_SKX AVX512_CLX AVX512_CNL "
          "AVX512_ICL AVX512_SPR X86_V4")
LEVELS = {"native": "", "no-avx512": AVX512, "no-avx512-no-avx2": f"{AVX512} AVX2 FMA3 X86_V3"}


def _without_clock(value):
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k not in CLOCK_FIELDS}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def _cli(*args: str) -> None:
    from agent.cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = main(list(args))
    if code != 0:
        raise RuntimeError(f"rememberer {' '.join(args)} exited {code}: {err.getvalue()}")


def _json_lines(path: Path) -> list:
    return [_without_clock(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def fingerprint(env: str, workdir: Path) -> str:
    """Train and test on `env` in `workdir` (fresh memory, seed 0); the hash of what was left."""
    train, test = TASKS[env]
    run = workdir / env
    _cli("train", "--env", env, "--llm", "fake", "--train-set", train, "--test-set", test,
         "--epochs", "1", "--seed", "0", "--run-dir", str(run), "--no-progress")
    pool = workdir / f"{env}-memory.jsonl"
    _cli("memory", "export", "--memory", str(run / "memory"), str(pool))
    content = {"episodes": _json_lines(run / "episodes.jsonl"), "memory": _json_lines(pool)}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def tie_order() -> dict:
    """How this process's NumPy orders ties: the dispatch targets in force and a hash of the
    argsort and argpartition of arrays full of equal values (several sizes and types)."""
    import numpy as np
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    digest = hashlib.sha256()
    for size in (64, 300, 3001):
        for dtype in (np.float64, np.float32, np.int64, np.int32):
            values = (np.arange(size) % 3).astype(dtype)
            digest.update(np.argsort(values).tobytes())
            digest.update(np.argpartition(values, size // 4).tobytes())
    return {"targets": sorted(t for t in __cpu_dispatch__ if __cpu_features__.get(t)),
            "ties": digest.hexdigest()}


def main(argv: list[str]) -> int:
    if argv == ["--ties"]:
        print(json.dumps(tie_order()))
        return 0
    if len(argv) == 2 and argv[0] == "--features":  # for .ci/run
        print(LEVELS[argv[1]])
        return 0
    with tempfile.TemporaryDirectory(prefix="dispatch-") as folder:
        os.environ["REMEMBERER_CACHE_DIR"] = str(Path(folder) / "cache")
        print(json.dumps({env: fingerprint(env, Path(folder)) for env in ENVS}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
