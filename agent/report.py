"""What a run reports: the summary of its episodes, the table it prints, and `rememberer report`
(learning curves as PNG, a comparison table as text and Markdown, one self-contained HTML page).

The numbers are the paper's: per pass (a split in an epoch) the average score and the success
rate. What the score and a success are is the environment's own (its spec's `Scoring`: e.g. the
mean final reward and a perfect purchase, or the mean total reward and every sub-goal done).
"""

from __future__ import annotations

import base64
import html
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.errors import AgentError
from environments import registry
from environments.spec import Scoring


def scoring_for(env: str) -> Scoring:
    """How the environment's episodes are scored (its spec's words; the generic ones, mean
    total reward and reaching the goal, for an environment not installed here)."""
    try:
        return registry.spec(env).scoring
    except registry.UnknownEnvironmentError:
        return Scoring()


# --- summary ------------------------------------------------------------------------------------

def summarize(records: Sequence[dict], *, run: str, run_dir: str, command: str, status: str,
              env: str, policy: str, llm: str, memory: dict | None, settings: dict,
              skipped: dict[tuple[str, int], int] | None = None) -> dict:
    """summary.json: one row per pass (split, epoch), in run order. `skipped` counts training
    tasks left out of a pass because they were solved in the first epoch."""
    skipped = skipped or {}
    passes: dict[tuple[str, int], list[dict]] = {key: [] for key in skipped}
    for record in records:
        passes.setdefault((record["split"], record["epoch"]), []).append(record)
    rows = []
    # Run order: epoch by epoch, train before test; a --compare pass (named for its policy) last.
    order = lambda kv: (kv[0][0] not in ("train", "test"), kv[0][1], kv[0][0] != "train")  # noqa: E731
    for (split, epoch), items in sorted(passes.items(), key=order):
        n = len(items)
        if n == 0:
            rows.append({"split": split, "epoch": epoch, "episodes": 0, "skipped": skipped[split, epoch],
                         "score": None, "successes": 0, "success_rate": None, "mean_steps": None,
                         "noops": 0, "llm_calls": 0, "cached_calls": 0, "prompt_tokens": 0,
                         "completion_tokens": 0, "seconds": 0.0, "tasks": []})
            continue
        rows.append({
            "split": split, "epoch": epoch, "episodes": n, "skipped": skipped.get((split, epoch), 0),
            "score": round(sum(r["score"] for r in items) / n, 4),
            "successes": sum(bool(r["success"]) for r in items),
            "success_rate": round(sum(bool(r["success"]) for r in items) / n, 4),
            "mean_steps": round(sum(r["n_steps"] for r in items) / n, 2),
            "noops": sum(r["noops"] for r in items),
            "llm_calls": sum(r["llm_calls"] for r in items),
            "cached_calls": sum(r["cached_calls"] for r in items),
            "prompt_tokens": sum(r["prompt_tokens"] for r in items),
            "completion_tokens": sum(r["completion_tokens"] for r in items),
            "seconds": round(sum(r["seconds"] for r in items), 1),
            "tasks": sorted(r["task"] for r in items),
        })
    tests = [row for row in rows if row["split"] == "test" and row["episodes"]]
    scoring = scoring_for(env)
    return {
        "run": run, "run_dir": run_dir, "command": command, "status": status,
        "env": env, "policy": policy, "llm": llm,
        "score_label": scoring.score_label, "score_meaning": scoring.score_meaning,
        "success_meaning": scoring.success_meaning,
        "final_test": ({"epoch": tests[-1]["epoch"], "score": tests[-1]["score"],
                        "success_rate": tests[-1]["success_rate"]} if tests else None),
        "passes": rows, "memory": memory, "comparison": comparison(records),
        "episodes": len(records), "episode_seconds": round(sum(r["seconds"] for r in records), 1),
        "updated_at": time.strftime("%Y-%m-%d %H:%M:%S"), "settings": settings,
    }


def comparison(records: Sequence[dict]) -> dict | None:
    """The memory's effect when a --compare pass was played: the last test pass minus the
    baseline's pass on the tasks both played, paired by task, with 95 % bootstrap intervals."""
    from agent.stats import paired_difference

    baselines = sorted({r["split"] for r in records} - {"train", "test"})
    tests = [r for r in records if r["split"] == "test"]
    if not baselines or not tests:
        return None
    last = max(r["epoch"] for r in tests)
    mine = {r["task"]: r for r in tests if r["epoch"] == last}
    other = {r["task"]: r for r in records if r["split"] == baselines[0]}
    tasks = sorted(mine.keys() & other.keys())
    if not tasks:
        return None

    def difference(key) -> dict:
        return paired_difference([float(key(mine[t])) for t in tasks],
                                 [float(key(other[t])) for t in tasks]).to_json()

    return {"baseline": baselines[0], "test_epoch": last, "tasks": len(tasks),
            "score": difference(lambda r: r["score"]),
            "success": difference(lambda r: bool(r["success"]))}


def comparison_line(summary: dict) -> str | None:
    """One sentence on the memory's effect, or None when no --compare pass was played."""
    found = summary.get("comparison")
    if not found:
        return None
    score, success, n = found["score"], found["success"], found["tasks"]
    excludes = score["low"] > 0 or score["high"] < 0 or success["low"] > 0 or success["high"] < 0
    verdict = ("an interval excludes 0" if excludes else
               f"both intervals include 0: {n} tasks cannot tell an effect from chance")
    return (f"Memory's effect ({summary['policy']} minus {found['baseline']} on the same {n} test "
            f"tasks, 95% paired bootstrap intervals): {summary['score_label']} "
            f"{score['estimate']:+.3f} [{score['low']:+.3f}, {score['high']:+.3f}], success "
            f"{100 * success['estimate']:+.0f} points [{100 * success['low']:+.0f}, "
            f"{100 * success['high']:+.0f}]; {verdict}.")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, markdown: bool = False) -> str:
    """A text table (or Markdown): number columns right-aligned, the others left-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    numeric = [i > 0 and all(row[i] == "-" or re.match(r"^[-+]?[\d.]", row[i]) for row in cells[1:])
               for i in range(len(headers))]  # "-" marks a missing number
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |",
                 "|" + "|".join("---:" if right else ":---" for right in numeric) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [c.rjust(w) if right else c.ljust(w)
                 for c, w, right in zip(row, widths, numeric)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def pass_rows(summary: dict) -> tuple[list[str], list[list[Any]]]:
    """The per-pass table of one run (headers, rows)."""
    headers = ["pass", "epoch", "episodes", summary["score_label"], "success", "steps/episode",
               "LLM calls", "time"]
    rows = []
    for row in summary["passes"]:
        if not row["episodes"]:
            rows.append([row["split"], row["epoch"], 0, "-", "-", "-", 0, "-"])
        else:
            rows.append([row["split"], row["epoch"], row["episodes"], f"{row['score']:.3f}",
                         f"{row['successes']}/{row['episodes']} = {100 * row['success_rate']:.0f}%",
                         f"{row['mean_steps']:.1f}", row["llm_calls"], _duration(row["seconds"])])
        if row.get("skipped"):
            rows[-1][2] = f"{rows[-1][2]} (+{row['skipped']} skipped)"
    return headers, rows


def pass_table(summary: dict, *, markdown: bool = False) -> str:
    return table(*pass_rows(summary), markdown=markdown)


def format_summary(summary: dict) -> str:
    """The table a run prints at its end, with the words a newcomer needs to read it."""
    lines = [f"Run {summary['run']}: {summary['env']}, {summary['policy']} policy, "
             f"LLM {summary['llm']} ({summary['status']})"]
    if summary["passes"]:
        lines.append(pass_table(summary))
    else:
        lines.append("(no finished episodes)")
    effect = comparison_line(summary)
    if effect:
        lines.append(effect)
    lines.append(f"{summary['score_meaning']}; {summary['success_meaning']}.")
    lines.append("train = episodes that update the memory; test = memory frozen; epoch 0 = no "
                 "training before the test; skipped = training tasks solved in epoch 1.")
    if effect:
        lines.append(f"{summary['comparison']['baseline']} = the same LLM on the test tasks "
                     "without the memory (fixed exemplars).")
    memory = summary.get("memory")
    if memory:
        lines.append(f"Memory: {memory['location']} (collection {memory['collection']!r}): "
                     f"{memory['experiences']} experiences, {memory['experiences_at_start']} at "
                     "the start.")
    lines.append(f"Episodes: {summary['run_dir']}/episodes.jsonl; summary: "
                 f"{summary['run_dir']}/summary.json")
    return "\n".join(lines)


# --- rememberer report -----------------------------------------------------------------------

def load_summary(run_dir: Path) -> dict:
    path = Path(run_dir) / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AgentError(f"{run_dir} is not a run folder (no summary.json); give folders that "
                         "`rememberer train` or `test` wrote") from None
    except (OSError, ValueError) as exc:
        raise AgentError(f"cannot read {path}: {exc}") from None
    if not isinstance(summary, dict) or "passes" not in summary or "env" not in summary:
        raise AgentError(f"{path} is not a run summary")
    return summary


def _label(summary: dict) -> str:
    return summary["run"]


def _setting_text(summary: dict) -> str:
    s = summary.get("settings", {})
    learns = summary["policy"] == "rememberer" and summary.get("command") == "train"
    parts = [f"{'init' if summary['policy'] == 'rememberer' else 'exemplars'} "
             f"{s.get('initial_memory', '?')}"]
    if summary["policy"] == "rememberer":
        parts += [f"λ={s.get('lam')}", f"m={s.get('m')}"]
        parts += [name.replace("_", "-") for name in ("no_random", "no_discouraged", "useful_exemplars",
                                                      "carry_over", "carry_choices",
                                                      "task_sim_only", "obs_sim_only")
                  if s.get(name)]
        if s.get("n_step"):
            parts.append(f"{s['n_step']}-step")
        if s.get("explore"):
            parts.append(f"explore {s['explore']}")
        if s.get("explore_choices"):
            parts.append(f"explore-choices {s['explore_choices']}")
    else:
        parts += [name.replace("_", "-") for name in ("carry_over", "carry_choices") if s.get(name)]
    parts.append(f"train {s.get('train_set', '?')}, test {s.get('test_set', '?')}" if learns
                 else f"test {s.get('test_set', '?')}")
    return ", ".join(parts)


def comparison_rows(summaries: Sequence[dict]) -> tuple[list[str], list[list[Any]]]:
    headers = ["run", "env", "policy", "LLM", "settings", "epochs", "test score", "test success",
               "best test success", "last train success", "episodes", "LLM calls"]
    rows = []
    for s in summaries:
        tests = [p for p in s["passes"] if p["split"] == "test" and p["episodes"]]
        trains = [p for p in s["passes"] if p["split"] == "train" and p["episodes"]]
        final = tests[-1] if tests else None
        rows.append([
            _label(s), s["env"], s["policy"], s["llm"], _setting_text(s),
            max((p["epoch"] for p in s["passes"]), default=0),
            f"{final['score']:.3f} ({s['score_label']})" if final else "-",
            f"{100 * final['success_rate']:.1f}%" if final else "-",
            f"{100 * max(p['success_rate'] for p in tests):.1f}%" if tests else "-",
            f"{100 * trains[-1]['success_rate']:.1f}%" if trains else "-",
            s["episodes"], sum(p["llm_calls"] for p in s["passes"]),
        ])
    return headers, rows


def plot_curves(summaries: Sequence[dict], path: Path) -> None:
    """Success rate and score per epoch, train (dashed) and test (solid), one colour per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    score_labels = sorted({s["score_label"] for s in summaries})
    max_epoch = max((p["epoch"] for s in summaries for p in s["passes"]), default=0)
    for index, summary in enumerate(summaries):
        colour = colours[index % len(colours)]
        for split, style, marker in (("test", "-", "o"), ("train", "--", "s")):
            rows = [p for p in summary["passes"] if p["split"] == split and p["episodes"]]
            if not rows:
                continue
            label = f"{_label(summary)} {split}"
            if [p["epoch"] for p in rows] == [0] and max_epoch > 0:
                # a run without training (a baseline): a level line to compare against
                for ax, value in ((axes[0], 100 * rows[0]["success_rate"]), (axes[1], rows[0]["score"])):
                    ax.axhline(value, color=colour, linestyle=":", linewidth=1.5)
                    ax.plot([0], [value], marker=marker, linestyle=":", color=colour,
                            label=f"{label} (no training)" if ax is axes[0] else None)
                continue
            epochs = [p["epoch"] for p in rows]
            axes[0].plot(epochs, [100 * p["success_rate"] for p in rows], style, color=colour,
                         marker=marker, label=label)
            axes[1].plot(epochs, [p["score"] for p in rows], style, color=colour, marker=marker,
                         label=label)
    axes[0].set_title("Success rate per epoch")
    axes[0].set_ylabel("success rate (%)")
    axes[0].set_ylim(-3, 103)
    axes[1].set_title(f"{' / '.join(score_labels).capitalize()} per epoch")
    axes[1].set_ylabel(" / ".join(f"mean {label}" for label in score_labels))
    top = max((p["score"] for s in summaries for p in s["passes"] if p["episodes"]), default=1.0)
    high = 1.0 if score_labels == ["score"] else max(top, 0.1) * 1.07  # WebShop's score is 0-1
    axes[1].set_ylim(-0.03 * high, high * 1.03)  # a line at 0 stays visible
    for ax in axes:
        ax.set_xlabel("epoch (0 = no training)")
        ax.set_xticks(range(0, max_epoch + 1))
        ax.grid(True, alpha=0.3)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(4, max(1, len(labels))),
               fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.06 + 0.04 * ((len(labels) - 1) // 4), 1, 1))
    fig.savefig(path)
    plt.close(fig)


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rememberer report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 14px; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
th {{ background: #f3f3f3; }}
img {{ max-width: 100%; }}
p.note {{ color: #555; font-size: 13px; }}
</style></head><body>
<h1>Rememberer report</h1>
<p class="note">Written {when} from {count} run folder(s).</p>
<h2>Learning curves</h2>
<img alt="learning curves: success rate and score per epoch" src="data:image/png;base64,{png}">
<p class="note">Solid lines: test passes (memory frozen); dashed: training passes.</p>
<h2>Comparison</h2>
{comparison}
{details}
</body></html>
"""


def _html_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(run_dirs: Sequence[Path], out: Path) -> dict[str, Path]:
    """curves.png, comparison.txt, comparison.md and report.html in `out`."""
    summaries = [load_summary(Path(d)) for d in run_dirs]
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AgentError(f"cannot create the report folder {out}: {exc}") from None
    paths = {name: out / name for name in ("curves.png", "comparison.txt", "comparison.md",
                                           "report.html")}
    plot_curves(summaries, paths["curves.png"])
    headers, rows = comparison_rows(summaries)
    notes = sorted({f"{s['env']}: {s['score_meaning']}; {s['success_meaning']}." for s in summaries})
    paths["comparison.txt"].write_text(table(headers, rows) + "\n" + "\n".join(notes) + "\n",
                                       encoding="utf-8")
    paths["comparison.md"].write_text(table(headers, rows, markdown=True) + "\n\n"
                                      + "\n".join(notes) + "\n", encoding="utf-8")
    details = []
    for s in summaries:
        pass_headers, rows_of_run = pass_rows(s)
        details.append(f"<h3>{html.escape(_label(s))}</h3><p class=\"note\">"
                       f"{html.escape(_setting_text(s))}; LLM {html.escape(s['llm'])}; "
                       f"{html.escape(s['score_meaning'])}; {html.escape(s['success_meaning'])}."
                       f"</p>{_html_table(pass_headers, rows_of_run)}")
    png = base64.b64encode(paths["curves.png"].read_bytes()).decode("ascii")
    paths["report.html"].write_text(_HTML.format(
        when=time.strftime("%Y-%m-%d %H:%M"), count=len(summaries), png=png,
        comparison=_html_table(headers, rows) + "".join(
            f"<p class=\"note\">{html.escape(n)}</p>" for n in notes),
        details="<h2>Runs</h2>" + "".join(details)), encoding="utf-8")
    return paths
