"""A tiny data set in WebShop's own file formats, for trying ``WebShopEnv(data_dir=...)``
without the real 1.18M-product download, and for the tests.

    python -c "from environments.webshop.sample import write_sample; write_sample('/tmp/ws')"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _options(**groups: list[str]) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"value": v, "image": None} for v in values] for name, values in groups.items()}


def sample_items() -> list[dict[str, Any]]:
    """items_shuffle.json: products, including rows WebShop's loader skips."""
    shoes_w = {
        "asin": "B000000001", "name": "Sunny Trail Running Shoes for Women", "category": "fashion",
        "query": "Running Shoes", "product_category": "Clothing, Shoes & Jewelry › Women › Shoes › Athletic › Running",
        "full_description": "Light trail shoes with a grippy sole.",
        "small_description": ["Breathable mesh upper", "Rubber outsole for wet rocks"],
        "pricing": "$45.99", "images": ["shoe.jpg"],
        "customization_options": {**_options(Color=["Black/White", "Ocean Blue"]), **_options(Size=["7", "8"])},
    }
    shoes_m = {
        "asin": "B000000002", "name": "Sunny Trail Running Shoes for Men", "category": "fashion",
        "query": "running shoes", "product_category": "Clothing, Shoes & Jewelry › Men › Shoes › Athletic › Running",
        "full_description": "Trail shoes for long days.", "small_description": ["Wide toe box"],
        "pricing": "$39.99 - $59.99", "images": [], "customization_options": _options(Size=["9", "10", "11"]),
    }
    hat = {
        "asin": "B000000003", "name": "Cozy Knit Winter Hat", "category": "fashion", "query": "hats",
        "product_category": "Clothing, Shoes & Jewelry › Women › Accessories › Hats & Caps",
        "full_description": "", "small_description": "Double layer knit", "pricing": "",
        "customization_options": None,
    }
    socks = [{
        "asin": f"B0000001{i:02d}", "name": f"Everyday Running Socks Style {i}", "category": "fashion",
        "query": "socks", "product_category": "Clothing, Shoes & Jewelry › Men › Clothing › Socks",
        "full_description": "Cushioned socks.", "small_description": ["Soft cotton"],
        "pricing": f"${5 + i}.99", "customization_options": {},
    } for i in range(12)]
    skipped = [dict(shoes_w, name="duplicate row"), dict(hat, asin="nan"), dict(hat, asin="B0000000001X")]
    return [shoes_w, shoes_m, hat, *socks, *skipped]


def sample_attributes() -> dict[str, dict[str, Any]]:
    """items_ins_v2.json: product attributes and the synthetic instructions."""
    return {
        "B000000001": {"attributes": ["rubber sole", "breathable mesh"],
                       "instruction": "i want women's trail running shoes with a rubber sole",
                       "instruction_attributes": ["rubber sole"]},
        "B000000002": {"attributes": ["wide toe box"], "instruction": None, "instruction_attributes": None},
    }


def sample_human_instructions() -> dict[str, list[dict[str, Any]]]:
    """items_human_ins.json: instructions people wrote, with their attributes and options."""
    return {
        "B000000001": [
            {"asin": "B000000001", "instruction": "i need women's running shoes with a rubber sole in ocean blue.",
             "instruction_attributes": ["rubber sole"], "instruction_options": ["ocean blue", "8"]},
            {"asin": "B000000001", "instruction": "running shoes please",
             "instruction_attributes": [], "instruction_options": []},  # no attributes: skipped
        ],
        "B000000002": [
            {"asin": "B000000002", "instruction": "men's running shoes with a wide toe box, size 10",
             "instruction_attributes": ["wide toe box"], "instruction_options": ["10"]},
        ],
        "B000000003": [
            {"asin": "B000000003", "instruction": "a warm knit hat",
             "instruction_attributes": ["double layer knit"], "instruction_options": []},
        ],
    }


def write_sample(folder: str | Path, human: bool = True) -> Path:
    """Write the sample as WebShop's files (`items_shuffle_1000.json`, `items_ins_v2_1000.json`
    and, if `human`, `items_human_ins.json`) into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "items_shuffle_1000.json").write_text(json.dumps(sample_items()), encoding="utf-8")
    (folder / "items_ins_v2_1000.json").write_text(json.dumps(sample_attributes()), encoding="utf-8")
    if human:
        (folder / "items_human_ins.json").write_text(json.dumps(sample_human_instructions()), encoding="utf-8")
    return folder
