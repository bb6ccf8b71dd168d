"""The product catalogue and the goals: loading, price sampling, goal building, search.

Two sources share one loader:

* the bundled catalogue (``data/products.json.gz`` + ``data/goals.json.gz``), made by
  ``scripts/make_webshop_data.py``; products are in WebShop's own schema plus two extra keys
  (``attributes``, ``type_words``) and the goals are already built and shuffled;
* a folder with WebShop's own files (``items_shuffle*.json``, ``items_ins_v2*.json``,
  ``items_human_ins.json``), turned into products and goals the way WebShop's engine did.

Loading is cached per process, keyed by the folder and its files' sizes and times.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import numbers
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from environments.errors import EnvironmentDataError
from environments.webshop.search import STOP_WORDS, SearchIndex, document_text

BUNDLED_DIR = Path(__file__).parent / "data"
PRODUCTS_FILE = "products.json.gz"
GOALS_FILE = "goals.json.gz"
SEED = 233  # WebShop's fixed seed for prices, price caps and the goal shuffle
PRICE_RANGE = [10.0 * i for i in range(1, 100)]
NO_PRICE_CAP = 1_000_000.0

_NUMBER = re.compile(r"[^\d.]")
_WORD = re.compile(r"[a-z]+")


@dataclass
class Product:
    """A product as the shop shows and scores it (WebShop's loaded form)."""

    asin: str
    title: str
    category: str
    query: str
    product_category: str
    description: str
    bullets: list[str]
    pricing: list[float]  # one price, or the low and high end of a range
    price_tag: str  # "$12.99" or "$12.99 to $18.49", as WebShop printed it
    options: dict[str, list[str]]  # option group -> lowercased values
    attributes: list[str]
    type_words: tuple[str, ...]
    rating: str = "N.A."

    def group_of(self, value: str) -> str | None:
        """The option group a (lowercased) value belongs to; the first group wins."""
        for group, values in self.options.items():
            if value in values:
                return group
        return None


@dataclass
class Goal:
    """One shopping task: the instruction and what a perfect purchase must satisfy."""

    asin: str  # the product the instruction was written from
    instruction: str
    attributes: list[str]
    goal_options: list[str]
    price_upper: float
    query: str
    category: str
    product_category: str
    name: str
    type_words: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "asin": self.asin, "instruction_text": self.instruction,
            "attributes": self.attributes, "goal_options": self.goal_options,
            "price_upper": self.price_upper, "query": self.query, "category": self.category,
            "product_category": self.product_category, "name": self.name,
            "type_words": list(self.type_words),
        }


@dataclass
class Catalogue:
    products: list[Product]
    goals: list[Goal]
    prices: dict[str, float]  # the price a purchase is charged (sampled once for ranges)
    source: str
    by_asin: dict[str, Product] = field(init=False)
    index: SearchIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_asin = {p.asin: p for p in self.products}
        self.index = SearchIndex(
            [p.asin for p in self.products],
            [document_text(p.title, p.description, p.bullets, p.options) for p in self.products],
        )

    def search(self, query: str) -> list[str]:
        return self.index.search(query)

    def goal(self, index: int) -> Goal:
        if isinstance(index, numbers.Integral) and not isinstance(index, bool) \
                and 0 <= int(index) < len(self.goals):
            return self.goals[int(index)]
        raise EnvironmentDataError(
            f"unknown WebShop goal {index!r}: valid goals are 0..{len(self.goals) - 1}"
        )


# ---------------------------------------------------------------- products (WebShop's schema)

def guess_type_words(title: str) -> tuple[str, ...]:
    """Stand-in for spaCy's nouns when a product stores no `type_words`: the title's words of
    three or more letters that are not stop words."""
    words = [w for w in _WORD.findall(title.lower()) if len(w) >= 3 and w not in STOP_WORDS]
    return tuple(dict.fromkeys(words))


def parse_pricing(pricing: Any) -> tuple[list[float], str]:
    """WebShop's price parsing: every `$` starts a number; a missing price is $100.0."""
    values: list[float] = []
    if isinstance(pricing, str):
        for piece in pricing.split("$")[1:]:
            try:
                values.append(float(Decimal(_NUMBER.sub("", piece))))
            except InvalidOperation:
                continue
    if not values:
        return [100.0], "$100.0"
    if len(values) == 1:
        return values, f"${values[0]}"
    return values[:2], f"${values[0]} to ${values[1]}"


def parse_options(raw: Any) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    if isinstance(raw, dict):
        for name, contents in raw.items():
            if contents is None:
                continue
            options[str(name).lower()] = [
                str(c["value"]).strip().replace("/", " | ").lower() for c in contents
            ]
    return options


def parse_product(raw: dict[str, Any], attributes: list[str] | None) -> Product:
    bullets = raw.get("small_description") or []
    if not isinstance(bullets, list):
        bullets = [bullets]
    pricing, price_tag = parse_pricing(raw.get("pricing"))
    title = str(raw["name"])
    own_words = raw.get("type_words")
    return Product(
        asin=raw["asin"], title=title, category=str(raw.get("category", "")),
        query=str(raw.get("query", "")).lower().strip(),
        product_category=str(raw.get("product_category", "")),
        description=str(raw.get("full_description") or ""),
        bullets=[str(b) for b in bullets],
        pricing=pricing, price_tag=price_tag, options=parse_options(raw.get("customization_options")),
        attributes=list(attributes if attributes is not None else raw.get("attributes") or ["DUMMY_ATTR"]),
        type_words=tuple(own_words) if own_words else guess_type_words(title),
    )


def parse_products(items: list[dict], attributes: dict[str, dict] | None, source: str) -> list[Product]:
    """Skip bad or repeated ASINs as WebShop did; `attributes` is items_ins_v2 (or None)."""
    products: list[Product] = []
    seen: set[str] = set()
    for number, raw in enumerate(items):
        try:
            asin = raw["asin"]
            if not isinstance(asin, str) or asin == "nan" or len(asin) > 10 or asin in seen:
                continue
            seen.add(asin)
            attrs = None
            if attributes is not None:
                attrs = attributes.get(asin, {}).get("attributes") or ["DUMMY_ATTR"]
            products.append(parse_product(raw, attrs))
        except (KeyError, TypeError, AttributeError) as exc:
            raise EnvironmentDataError(f"{source}: product #{number} is malformed ({exc!r})") from None
    if not products:
        raise EnvironmentDataError(f"{source}: no products")
    return products


def sample_prices(products: list[Product], rng: random.Random) -> dict[str, float]:
    """The price charged at purchase: the single price, or one draw from the range."""
    prices = {}
    for p in products:
        prices[p.asin] = p.pricing[0] if len(p.pricing) == 1 else rng.uniform(*p.pricing[:2])
    return prices


def price_cap(price: float, rng: random.Random) -> tuple[float, str]:
    """WebShop's cap: the larger of two draws from the next four multiples of 10 above the
    price; no cap (and no price text) above $980."""
    above = [p for p in PRICE_RANGE if p > price][:4]
    if len(above) < 2:
        return NO_PRICE_CAP, ""
    _, upper = sorted(rng.sample(above, 2))
    return upper, f", and price lower than {upper:.2f} dollars"


# ---------------------------------------------------------------- goals from WebShop files

def _goal(product: Product, instruction: str, attributes: list[str], options: list[str],
          price_upper: float) -> Goal:
    return Goal(
        asin=product.asin, instruction=instruction, attributes=attributes,
        goal_options=options, price_upper=price_upper, query=product.query,
        category=product.category, product_category=product.product_category,
        name=product.title, type_words=product.type_words,
    )


def human_goals(products: list[Product], human: dict[str, list[dict]],
                prices: dict[str, float], rng: random.Random) -> list[Goal]:
    goals = []
    for product in products:
        for entry in human.get(product.asin, []):
            attributes = list(entry.get("instruction_attributes") or [])
            if not attributes:
                continue
            upper, price_text = price_cap(prices[product.asin], rng)
            instruction = str(entry["instruction"]).strip(".") + price_text
            goals.append(_goal(product, instruction, attributes,
                               [str(o) for o in entry.get("instruction_options") or []], upper))
    return goals


def synthetic_goals(products: list[Product], attributes: dict[str, dict],
                    prices: dict[str, float], rng: random.Random) -> list[Goal]:
    """One goal per option combination of every product with a written instruction."""
    goals = []
    for product in products:
        info = attributes.get(product.asin, {})
        text, attrs = info.get("instruction"), info.get("instruction_attributes")
        if not text or not attrs:
            continue
        upper, price_text = price_cap(prices[product.asin], rng)
        names = sorted(product.options)
        for combination in itertools.product(*(product.options[n] for n in names)):
            chosen = dict(zip(names, combination))
            option_text = ", and ".join(f"{k}: {v}" for k, v in chosen.items())
            option_text = f" with {option_text}" if option_text else ""
            goals.append(_goal(product, f"{text}{option_text}{price_text}", list(attrs),
                               list(chosen.values()), upper))
    return goals


# ---------------------------------------------------------------- reading files

def _read_json(path: Path) -> Any:
    try:
        data = path.read_bytes()
        return json.loads(gzip.decompress(data) if path.suffix == ".gz" else data)
    except json.JSONDecodeError as exc:
        raise EnvironmentDataError(f"{path} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise EnvironmentDataError(f"cannot read {path}: {exc}") from None


def _pick(folder: Path, pattern: str, preferred: str) -> Path | None:
    if (folder / preferred).is_file():
        return folder / preferred
    found = sorted(folder.glob(pattern))
    return found[0] if found else None


def _goal_from_json(raw: dict[str, Any], source: Path) -> Goal:
    try:
        return Goal(
            asin=raw["asin"], instruction=raw["instruction_text"], attributes=list(raw["attributes"]),
            goal_options=list(raw["goal_options"]), price_upper=float(raw["price_upper"]),
            query=raw["query"], category=raw["category"], product_category=raw["product_category"],
            name=raw["name"], type_words=tuple(raw.get("type_words") or guess_type_words(raw["name"])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise EnvironmentDataError(f"{source}: a goal is malformed ({exc!r})") from None


def load_bundled_format(folder: Path) -> Catalogue:
    products_path, goals_path = folder / PRODUCTS_FILE, folder / GOALS_FILE
    items = _read_json(products_path)
    goals_raw = _read_json(goals_path)
    if not isinstance(items, list) or not isinstance(goals_raw, list):
        raise EnvironmentDataError(f"{folder}: products and goals must be JSON lists")
    products = parse_products(items, None, str(products_path))
    prices = sample_prices(products, random.Random(SEED))
    goals = [_goal_from_json(g, goals_path) for g in goals_raw]
    return Catalogue(products, goals, prices, source=str(folder))


def load_webshop_files(folder: Path) -> Catalogue:
    items_path = _pick(folder, "items_shuffle*.json", "items_shuffle.json")
    if items_path is None:
        raise EnvironmentDataError(
            f"{folder} holds no WebShop data: expected items_shuffle*.json (and items_ins_v2*.json, "
            f"items_human_ins.json) or {PRODUCTS_FILE} + {GOALS_FILE}"
        )
    attrs_path = _pick(folder, "items_ins_v2*.json", "items_ins_v2.json")
    human_path = folder / "items_human_ins.json"
    items = _read_json(items_path)
    if not isinstance(items, list):
        raise EnvironmentDataError(f"{items_path} must hold a JSON list of products")
    attributes = _read_json(attrs_path) if attrs_path else None
    if attributes is not None and not isinstance(attributes, dict):
        raise EnvironmentDataError(f"{attrs_path} must hold a JSON object keyed by ASIN")
    products = parse_products(items, attributes, str(items_path))
    rng = random.Random(SEED)
    prices = sample_prices(products, rng)
    if human_path.is_file():
        human = _read_json(human_path)
        if not isinstance(human, dict):
            raise EnvironmentDataError(f"{human_path} must hold a JSON object keyed by ASIN")
        goals = human_goals(products, human, prices, rng)
    elif attributes is not None:
        goals = synthetic_goals(products, attributes, prices, rng)
    else:
        raise EnvironmentDataError(f"{folder}: need items_human_ins.json or items_ins_v2*.json for goals")
    random.Random(SEED).shuffle(goals)
    if not goals:
        raise EnvironmentDataError(f"{folder}: the instruction files give no goals")
    return Catalogue(products, goals, prices, source=str(folder))


def _fingerprint(folder: Path) -> tuple:
    return tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in {".json", ".gz"}
    )


@functools.lru_cache(maxsize=8)
def _load_cached(folder: str, fingerprint: tuple) -> Catalogue:
    path = Path(folder)
    if (path / PRODUCTS_FILE).is_file() and (path / GOALS_FILE).is_file():
        return load_bundled_format(path)
    return load_webshop_files(path)


def load_catalogue(data_dir: str | Path | None = None) -> Catalogue:
    """The catalogue in `data_dir` (WebShop's files or the bundled format), or the bundled one.
    Cached per process: environments made later share the parsed data and the index."""
    folder = Path(data_dir).expanduser().resolve() if data_dir is not None else BUNDLED_DIR
    if not folder.is_dir():
        raise EnvironmentDataError(f"WebShop data folder {folder} does not exist")
    return _load_cached(str(folder), _fingerprint(folder))


def num_goals(data_dir: str | Path | None = None) -> int:
    return len(load_catalogue(data_dir).goals)
