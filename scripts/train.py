"""Scripted training and test runs: the same as `rememberer train ...` (or `rememberer test ...`
when the first word is `test`).

    python scripts/train.py --config scripts/configs/webshop-paper.toml
    python scripts/train.py test --env wikihow --memory runs/<name>/memory
"""

import sys

from agent.commands.train import main

if __name__ == "__main__":
    sys.exit(main())
