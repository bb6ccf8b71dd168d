"""A non-editable wheel carries every data file the environments read (simulator data, exemplar
sets) and the TextWorldExpress entry points: built offline from a copy of the sources."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "agent", "memory_store", "environments")
DATA_SUFFIXES = (".jsonl", ".json.gz")


def _copy_sources(target: Path) -> None:
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)


def test_the_wheel_holds_every_environment_data_file_and_the_plugin_entry_points(tmp_path):
    source = tmp_path / "src"
    _copy_sources(source)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(tmp_path / "wheel")],
        capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "wheel").glob("rememberer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())

    data = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "environments").rglob("*")
                  if path.name.endswith(DATA_SUFFIXES))
    assert any("/twx/exemplars/twx-coin/" in name for name in data)  # the check sees subfolders
    assert [name for name in data if name not in names] == []

    (points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
    text = zipfile.ZipFile(wheel).read(points).decode()
    assert "[rememberer.environments]" in text and "twx-coin = environments.twx.spec:COIN" in text
