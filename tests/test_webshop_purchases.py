"""scripts/webshop_purchases.py on hand-made run folders whose episodes were played in the simulator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from environments.webshop import WebShopEnv
from environments.webshop.oracle import oracle_actions

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "webshop_purchases.py"


def _episode(env: WebShopEnv, goal: int, actions: list[str], split: str, epoch: int,
             reward: float | None = None) -> dict:
    env.reset(options={"goal": goal})
    final = 0.0
    for action in actions:
        _, final, terminated, _, _ = env.step(action)
        if terminated:
            break
    return {"episode_id": f"r/{split}/epoch{epoch}/task{goal}", "split": split, "epoch": epoch,
            "task": goal, "steps": [{"action": a} for a in actions],
            "final_reward": final if reward is None else reward}


def _goals_with_options(env: WebShopEnv, count: int) -> list[int]:
    goals = [i for i in range(40) if env.catalogue.goal(i).goal_options]
    assert len(goals) >= count
    return goals[:count]


def _write(folder: Path, episodes: list[dict]) -> Path:
    folder.mkdir(parents=True)
    (folder / "episodes.jsonl").write_text("".join(json.dumps(e) + "\n" for e in episodes))
    return folder


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                          timeout=600)


def test_counts_the_last_test_pass_and_prices_the_requested_options(tmp_path):
    env = WebShopEnv(max_steps=50)
    a, b, c = _goals_with_options(env, 3)
    env.reset(options={"goal": a})
    full = oracle_actions(env)  # search, (next), product, the requested options, buy
    bare = [x for x in full if not x.startswith("click[") or x in ("click[buy now]", "click[next >]")
            or x[6:-1] == env.catalogue.goal(a).asin.lower()]
    assert len(bare) < len(full)  # the goal has options to leave out
    env.reset(options={"goal": b})
    perfect = oracle_actions(env)
    episodes = [
        _episode(env, a, bare, "train", 1),
        _episode(env, c, ["search[socks]"], "test", 1),  # an earlier pass: ignored
        _episode(env, a, bare, "test", 2),  # the right product, options left at their defaults
        _episode(env, b, perfect, "test", 2),
        _episode(env, c, ["search[socks]", "click[back to search]"], "test", 2),  # nothing bought
    ]
    assert episodes[2]["final_reward"] < 1.0 and episodes[3]["final_reward"] == 1.0
    run = _write(tmp_path / "exp" / "runs" / "arm-seed0", episodes)
    out = tmp_path / "rows.json"
    result = _run(str(tmp_path / "exp"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    [row] = json.loads(out.read_text())
    assert row["run"] == run.name and row["test pass"] == 2 and row["episodes"] == 3
    assert row["purchases"] == 2 and row["clicked an option"] == 1
    assert row["successes"] == 1 and row["successes with requested options"] == 2
    assert row["mean score"] == round((episodes[2]["final_reward"] + 1.0) / 3, 3)
    assert row["mean score with requested options"] == round(2 / 3, 3)
    assert "arm-seed0 | 2 | 3 | 2 | 1 | 1 | 2" in result.stdout


def test_a_log_the_simulator_does_not_reproduce_is_refused_in_one_line(tmp_path):
    env = WebShopEnv(max_steps=50)
    [goal] = _goals_with_options(env, 1)
    env.reset(options={"goal": goal})
    episode = _episode(env, goal, oracle_actions(env), "test", 0, reward=0.25)
    run = _write(tmp_path / "run", [episode])
    result = _run(str(run))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "the replay ends with reward 1.0" in result.stderr
    result = _run(str(tmp_path / "missing"))
    assert result.returncode == 2 and "neither a run folder nor an experiment folder" in result.stderr
