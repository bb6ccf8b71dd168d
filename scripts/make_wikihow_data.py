"""Regenerate the bundled WikiHow corpus and tasks (deterministic; seeded).

    .venv/bin/python scripts/make_wikihow_data.py [--out environments/wikihow/data] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from environments.wikihow.corpus import DATA_DIR  # noqa: E402
from environments.wikihow.generate import SEED, write_data  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output folder")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    args = parser.parse_args()
    articles, tasks = write_data(args.out, args.seed)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in sorted(args.out.glob("*.json.gz")))
    print(f"wrote {articles} articles and {tasks} tasks to {args.out} ({sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
