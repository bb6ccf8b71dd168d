"""The memory benchmark at a tiny size, for correctness only (timings are not asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_memory_runs_and_agrees_with_brute_force(tmp_path):
    out = tmp_path / "memory.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_memory.py"), "--sizes", "300", "1200",
         "--queries", "15", "--m", "3", "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "retr p50 ms" in run.stdout and "brute p50 ms" in run.stdout
    report = json.loads(out.read_text())
    assert [r["experiences"] for r in report["rows"]] == [300, 1200]
    for row in report["rows"]:
        assert row["same_top_m"] and row["mismatches"] == 0 and row["queries"] == 15
        assert row["tasks"] >= 5 and row["states"] > row["tasks"]
    assert report["checks"]["retrieval_equals_brute_force"] is True
