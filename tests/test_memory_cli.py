"""`rememberer memory ...` run as a user runs it: real subprocesses, the real bundled MiniLM model,
an embedded folder and a real `chroma run` server."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from memory_store.client import MemoryClient
from memory_store.pools import loads_yaml

POOLS = Path(__file__).parent / "data" / "pools"
CONSOLE_SCRIPT = Path(sys.executable).parent / "rememberer"
MUG = "i need a red ceramic coffee mug that holds 12 ounces, and price lower than 20.00 dollars"


def rememberer(*args, cwd: Path, script: bool = False) -> subprocess.CompletedProcess:
    command = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "agent.cli"]
    return subprocess.run([*command, "memory", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def user_error(result: subprocess.CompletedProcess) -> str:
    """Exit code 2 and one line on stderr, no traceback."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.startswith("rememberer: error:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """A working folder whose ./memory holds the WebShop sample pool, imported by the CLI."""
    work = tmp_path_factory.mktemp("cli")
    out = ok(rememberer("import", POOLS / "webshop_original.yaml", cwd=work, script=True))
    assert out.startswith("read 6 experience(s) from ") and "6 new" in out
    return work


def cli(capsys, *args) -> tuple[int, str, str]:
    """The same `rememberer` entry point in this process (for the cheap checks): exit code,
    stdout, stderr."""
    from agent.cli import main

    code = main(["memory", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def work(imported, tmp_path) -> Path:
    """A private copy of the imported memory (for commands that write)."""
    shutil.copytree(imported / "memory", tmp_path / "memory")
    return tmp_path


def test_list_stats_and_show(imported, capsys):
    listing = ok(rememberer("list", cwd=imported))
    assert "1 collection(s) at memory" in listing
    assert listing.splitlines()[2].split() == ["rememberer", "6", "2", "0", "single",
                                               "all-MiniLM-L6-v2"]
    stats = json.loads(ok(rememberer("stats", "--json", "--bins", "4", cwd=imported)))
    assert (stats["experiences"], stats["states"], stats["tasks"], stats["visits"]) == (6, 4, 2, 13)
    assert stats["patterns"] == {"webshop/item": 2, "webshop/results": 2, "webshop/search": 2}
    assert [b["count"] for b in stats["q"]["histogram"]] == [1, 1, 1, 3]
    assert stats["q"]["max"] == 0.9 and stats["provenance"] == {"webshop_original.yaml": 6}
    shown = ok(rememberer("show", "--task-contains", "MUG", "--min-q", "0.7", "--limit", "2",
                          cwd=imported)).splitlines()
    assert shown[0].split() == ["Q", "VISITS", "REWARD", "PATTERN", "ACTION", "TASK"]
    assert shown[1].split()[:5] == ["0.900", "2", "0.000", "item", "click[red]"]
    assert shown[2].split()[:5] == ["0.800", "3", "0.000", "results", "click[b07mug0012]"]
    assert shown[3] == "2 of 4 matching experience(s); --limit 2"
    path = imported / "memory"
    code, text, _ = cli(capsys, "stats", "--memory", path)
    assert code == 0 and "Q distribution (min 0.250, mean 0.650, max 0.900)" in text
    code, text, _ = cli(capsys, "show", "--pattern", "search", "--json", "--memory", path)
    assert [json.loads(line)["action"] for line in text.splitlines()] == [
        "search[red ceramic coffee mug 12 oz]", "search[wool hiking socks large]"]


def test_query_prints_why_states_were_chosen(imported, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Back to Search [SEP] < Prev [SEP] Red Mug [SEP] Buy Now", encoding="utf-8")
    found = json.loads(ok(rememberer(
        "query", "--task", "i want a red coffee mug under 15 dollars", "--observation-file", page,
        "--action", "back to search", "--action", "< prev", "--action", "buy now", "--json",
        cwd=imported)))
    assert [r["pattern"] for r in found] == ["item", "results"]  # f_o decides between the two
    for r in found:
        assert r["s"] == pytest.approx(0.5 * r["f_g"] + 0.5 * r["f_o"])
    assert found[0]["f_o"] == 1.0 and found[1]["f_o"] == 0.0
    assert 0.5 < found[0]["f_g"] < 1.0 and found[0]["task"] == MUG  # real MiniLM similarity
    assert [a["action"] for a in found[0]["actions"]] == ["click[red]", "click[buy now]"]


def test_merge_copy_and_drop(work, capsys):
    ok(rememberer("copy", "rememberer", "twin", cwd=work))
    out = ok(rememberer("merge", "rememberer", "twin", "--into", "both", cwd=work))
    assert out.startswith("merged 12 experience(s) from rememberer, twin into 'both': 6 new")
    out = ok(rememberer("drop", "twin", "--yes", cwd=work))
    assert out.startswith("dropped 'twin' (6 experience(s))")
    path = work / "memory"
    code, out, _ = cli(capsys, "stats", "--json", "--collection", "both", "--memory", path)
    stats = json.loads(out)
    assert (stats["experiences"], stats["visits"]) == (6, 26)  # duplicates merged, visits summed
    assert stats["q"]["mean"] == pytest.approx(0.65)  # equal Q on both sides: unchanged
    code, out, _ = cli(capsys, "list", "--memory", path)
    assert [row.split()[0] for row in out.splitlines()[2:]] == ["both", "rememberer"]
    code, out, _ = cli(capsys, "list", "--json", "--memory", path)
    assert [(c["name"], c["experiences"]) for c in json.loads(out)["collections"]] == [
        ("both", 6), ("rememberer", 6)]
    code, _, err = cli(capsys, "merge", "both", "--into", "both", "--memory", path)
    assert code == 2 and "is also a source" in err
    code, _, err = cli(capsys, "drop", "both", "--memory", path)
    assert code == 2 and "add --yes" in err


def test_user_errors_are_one_line_and_leave_the_memory_alone(work, capsys):
    with MemoryClient.connect(work / "memory"):  # another process is writing to it
        busy = user_error(rememberer("import", POOLS / "wikihow_original.yaml", cwd=work))
        assert "open for writing by another process" in busy
    unsafe = user_error(rememberer("import", POOLS / "unsafe_tag.yaml", cwd=work))
    assert "unsafe_tag.yaml: line 9, column 7: could not determine a constructor" in unsafe
    path = work / "memory"
    for args, message in [
        (("import", POOLS / "bad_shape.yaml"), "bad_shape.yaml: entry 2 ('WebShop [SEP] "),
        (("import", POOLS / "bad_line.jsonl"), "bad_line.jsonl: line 2: missing action"),
        (("import", work / "pool.txt"), "pass --format"),
        (("stats", "--collection", "nope"), "no collection named 'nope'"),
        (("show", "--embedding-model", "another-model"),
         "was built with embedding model all-MiniLM-L6-v2 (dim 384)"),
        (("show", "--limit", "0"), "--limit must be at least 1"),
        (("query", "--task", "x", "--observation", "a", "--observation-file", "b"), "not both"),
        (("query", "--task", "x", "-m", "0"), "-m must be at least 1"),
        (("query", "--task", "x", "--lambda", "2"), "--lambda must be between 0 and 1"),
    ]:
        code, out, err = cli(capsys, *args, "--memory", path)
        assert (code, out) == (2, "") and err.count("\n") == 1 and message in err, (args, err)
    for args, message in [
        (("show", "--memory", work / "elsewhere"), "no memory at"),
        (("list", "--chroma-host", "127.0.0.1", "--chroma-port", "9"), "cannot reach the Chroma server"),
    ]:
        code, _, err = cli(capsys, *args)
        assert code == 2 and message in err
    code, out, _ = cli(capsys, "stats", "--json", "--memory", path)
    stats = json.loads(out)
    assert stats["experiences"] == 6 and stats["provenance"] == {"webshop_original.yaml": 6}


def test_round_trip_through_a_chroma_server(work, chroma_server, capsys):
    """Export from the folder, import into a real `chroma run` server, export again: identical."""
    ok(rememberer("export", "first.yaml", cwd=work))
    text = (work / "first.yaml").read_text(encoding="utf-8")
    assert set(re.findall(r"!![\w/]+", text)) == {"!!python/tuple"}  # the original can read it
    assert loads_yaml(text)
    assert "*id001" in text
    ok(rememberer("export", "first.jsonl", cwd=work))
    host, port = chroma_server
    name = f"cli-{work.name[-20:].replace('_', '-').strip('-')}"
    server = ["--chroma-host", host, "--chroma-port", port, "--collection", name]
    out = ok(rememberer("import", "first.jsonl", *server, cwd=work))
    assert f"6 new, 0 already stored (kept as stored); '{name}' at http://{host}:{port} now " \
           "holds 6" in out
    ok(rememberer("export", "second.jsonl", *server, cwd=work))
    assert (work / "first.jsonl").read_bytes() == (work / "second.jsonl").read_bytes()
    out = ok(rememberer("copy", "rememberer", name + "-copy", "--to-chroma-host", host, "--to-chroma-port", port,
                        cwd=work))
    assert out.endswith(f"to '{name}-copy' at http://{host}:{port}\n")
    for collection in (name, name + "-copy"):
        code, out, _ = cli(capsys, "stats", "--json", "--chroma-host", host, "--chroma-port", port,
                           "--collection", collection)
        stats = json.loads(out)
        assert (stats["experiences"], stats["visits"], stats["location"]) == (
            6, 13, f"http://{host}:{port}")
        assert cli(capsys, "drop", collection, "--yes", "--chroma-host", host, "--chroma-port", port)[0] == 0
    path = work / "memory"
    code, _, err = cli(capsys, "export", work / "first.yaml", "--memory", path)
    assert code == 2 and "exists; pass --force" in err
    code, _, _ = cli(capsys, "export", work / "first.yaml", "--force", "--max-q", "0.5",
                     "--memory", path)
    assert code == 0 and len(loads_yaml((work / "first.yaml").read_text("utf-8"))) == 2


def test_help_for_every_command(tmp_path):
    text = ok(subprocess.run([str(CONSOLE_SCRIPT), "memory", "--help"], capture_output=True,
                             text=True, cwd=tmp_path, timeout=120))
    commands = ["list", "stats", "show", "query", "import", "export", "merge", "copy", "drop"]
    for command in commands:
        assert f"    {command} " in text
    from agent.cli import build_parser

    parser = build_parser()
    for command in commands:
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args(["memory", command, "--help"])
        assert exit_info.value.code == 0
