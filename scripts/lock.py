"""Refresh requirements.lock: the exact version of every package an install of this project pulls.

    python3 scripts/lock.py                 # fresh venv in a temporary folder, then pip freeze
    python3 scripts/lock.py --extras test   # only these extras (default: all but SKIPPED)

The README's set-up commands and `.ci/run` install with `pip install -c requirements.lock ...`,
so a machine next month gets the versions that passed. After refreshing, run `.ci/run` (or the
README's test command) before committing the new lock. Packages a given install does not ask for
are ignored by pip's `-c`, so one lock serves every extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
SKIPPED = {  # extras left out of the lock by default, and why
    "llamacpp": "builds llama.cpp from source (many minutes); pip resolves it against the lock",
}
NOT_LOCKED = {"pip", "rememberer"}  # the installer itself, and this project (installed editable)
_LOCAL_LABEL = re.compile(r"^([A-Za-z0-9_.\-]+)==([^+\s]+)\+\S+$")


def all_extras() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return sorted(set(project.get("optional-dependencies", {})) - set(SKIPPED))


def public_pin(line: str) -> str:
    """`torch==2.13.0+cpu` -> `torch==2.13.0`: the CPU build this machine carries still satisfies
    it (pip prefers the local build of the same version), and a machine without it is not told
    to look for a file name no index has."""
    match = _LOCAL_LABEL.match(line)
    return f"{match.group(1)}=={match.group(2)}" if match else line


def freeze(extras: list[str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="rememberer-lock-") as folder:
        venv.create(folder, with_pip=True)
        python = str(Path(folder) / "bin" / "python")
        target = f".[{','.join(extras)}]" if extras else "."
        subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT, check=True)
        out = subprocess.run([python, "-m", "pip", "freeze", "--all", "--exclude-editable"],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
    lines = [public_pin(line.strip()) for line in out.splitlines() if "==" in line]
    return sorted((line for line in lines if line.split("==")[0].lower() not in NOT_LOCKED),
                  key=str.lower)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", help="comma-separated extras to install (default: "
                                         f"all but {', '.join(SKIPPED)})")
    args = parser.parse_args(argv)
    extras = args.extras.split(",") if args.extras else all_extras()
    pins = freeze(extras)
    header = [
        "# Exact versions of every package the install pulls, as pip constraints: the README's",
        "# set-up commands and .ci/run install with `pip install -c requirements.lock ...`.",
        f"# Written by `python3 scripts/lock.py` on {dt.date.today()} (Python "
        f"{sys.version_info.major}.{sys.version_info.minor}, extras: {', '.join(extras) or 'none'}).",
        "# Refresh after changing dependencies: see docs/development.md, section Determinism.",
    ]
    LOCK.write_text("\n".join(header + pins) + "\n", encoding="utf-8")
    print(f"wrote {len(pins)} pins to {LOCK.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
