"""Generate the bundled WebShop catalogue and goals (deterministic for a given seed).

    python scripts/make_webshop_data.py                 # rewrites environments/webshop/data
    python scripts/make_webshop_data.py --out /tmp/ws --seed 7
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from environments.webshop.catalogue import BUNDLED_DIR
from environments.webshop.generate import GeneratorConfig, write_dataset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=BUNDLED_DIR, help="output folder")
    parser.add_argument("--seed", type=int, default=GeneratorConfig.seed)
    parser.add_argument("--clusters", type=int, default=GeneratorConfig.clusters_per_kind,
                        help="product clusters per product kind")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    n_products, n_goals = write_dataset(args.out, GeneratorConfig(seed=args.seed, clusters_per_kind=args.clusters))
    print(f"wrote {n_products} products and {n_goals} goals to {args.out} "
          f"in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
