"""The shared rebuild command of the exemplar scripts: writes only what changed, `--check` lists
it with exit code 1, a build error is one line with exit code 2 and writes nothing."""

from __future__ import annotations

from pathlib import Path

from environments.errors import EnvironmentDataError
from environments.regenerate import regenerate


def _run(files: dict[Path, str], *argv: str, fail: bool = False) -> int:
    def render() -> dict[Path, str]:
        if fail:
            raise EnvironmentDataError("the game changed")
        return files

    return regenerate("make-things", "Rebuild things.", render, EnvironmentDataError, list(argv))


def test_check_lists_stale_files_and_a_run_writes_only_those(tmp_path, capsys):
    same, changed = tmp_path / "same.jsonl", tmp_path / "changed.jsonl"
    missing = tmp_path / "new" / "E0.jsonl"  # in a folder that does not exist yet
    same.write_text("kept\n")
    changed.write_text("old\n")
    files = {same: "kept\n", changed: "new\n", missing: "made\n"}
    assert _run(files, "--check") == 1
    listed = capsys.readouterr().out.splitlines()
    assert listed == [f"out of date: {changed}", f"out of date: {missing}"]
    assert changed.read_text() == "old\n" and not missing.exists()

    same_mtime = same.stat().st_mtime_ns
    assert _run(files) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {changed}", f"wrote {missing}"]
    assert changed.read_text() == "new\n" and missing.read_text() == "made\n"
    assert same.stat().st_mtime_ns == same_mtime
    assert _run(files, "--check") == 0 and capsys.readouterr().out == ""


def test_a_build_error_is_one_line_and_writes_nothing(tmp_path, capsys):
    target = tmp_path / "E0.jsonl"
    assert _run({target: "x\n"}, fail=True) == 2
    captured = capsys.readouterr()
    assert captured.err == "make-things: error: the game changed\n" and captured.out == ""
    assert not target.exists()
