"""Missing textworld-express or a missing Java runtime: one clear line, the environments' error
type (which the CLI prints as one line with exit code 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from environments.errors import EnvironmentDataError
from environments.twx import TextWorldExpressUnavailable, make_env

ROOT = Path(__file__).resolve().parents[1]


def test_missing_java_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder without java
    with pytest.raises(TextWorldExpressUnavailable) as caught:
        make_env("twx")
    message = str(caught.value)
    assert isinstance(caught.value, EnvironmentDataError)
    assert "\n" not in message and "java" in message and "default-jre-headless" in message


def test_missing_package_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "textworld_express", None)  # import now fails
    with pytest.raises(TextWorldExpressUnavailable) as caught:
        make_env("twx")
    message = str(caught.value)
    assert "\n" not in message and "pip install -e '.[textworld]'" in message


def test_a_program_reports_it_in_one_line_on_stderr(tmp_path):
    """As a user sees it: the measurement script without java exits 2 with one stderr line."""
    result = subprocess.run(
        [sys.executable, "-m", "environments.twx.measure", "--memory-seeds", "1", "--held-out", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env={"PATH": str(tmp_path)})
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert "no `java` was found on PATH" in result.stderr
