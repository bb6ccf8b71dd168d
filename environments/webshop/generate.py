"""Builds the bundled catalogue and goals from `vocab.py`, deterministically from a seed.

Products come in *clusters* of one kind: a target T and three hard distractors that differ
from T in exactly one way (one attribute swapped, one wanted option value missing, or a price
above the goal's cap). A cluster gives two goals: one written from T and one from the
attribute-swapped product (for which T and the others miss the swapped-in attribute).
Every goal is kept only if the oracle can reach reward 1.0 and some distractor of the same
kind scores between 0.5 and 0.8 when bought carelessly (with the best options it offers).
"""

from __future__ import annotations

import gzip
import json
import math
import re
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from environments.webshop import vocab
from environments.webshop.catalogue import (
    GOALS_FILE, PRODUCTS_FILE, SEED, Catalogue, Goal, parse_products, price_cap, sample_prices,
)
from environments.webshop.oracle import find_listing, option_choices
from environments.webshop.reward import MATCH_THRESHOLD, fuzzy_score, normalize_color, purchase_reward

ASIN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
UPPER_WORDS = {"usda": "USDA", "gmo": "GMO", "gps": "GPS", "led": "LED", "usb": "USB", "tv": "TV",
               "spf": "SPF", "wifi": "WiFi"}
CARELESS_BAND = (0.5, 0.8)


@dataclass
class GeneratorConfig:
    seed: int = 2022
    clusters_per_kind: int = 15
    fillers_per_kind: int = 6
    kinds_limit: int | None = None  # use only the first N kinds of each category (tests)


@dataclass
class Draft:
    """A product before it gets its ASIN."""

    category: vocab.Category
    kind: vocab.Kind
    brand: str
    attributes: list[str]
    options: dict[str, list[str]]  # option group key -> values (title case)
    low: float
    high: float | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    asin: str = ""


@dataclass
class GoalSpec:
    target: Draft
    attributes: list[str]
    options: dict[str, str]  # option group key -> wanted value
    price_off: Draft | None = None  # the distractor to price above this goal's cap


def compatible(attr: str, chosen: list[str]) -> bool:
    return not any({attr, other} == set(pair) for pair in vocab.EXCLUSIVE for other in chosen)


def is_plural(ask: str) -> bool:
    """"some bar stools" and "a few chocolate bars" are plural; "a pair of shoes" and
    "some coffee" are not."""
    core = ask.split(" for ")[0]
    if core.startswith("a few "):
        return True
    last = core.split()[-1]
    return not core.startswith(("a ", "an ")) and last.endswith("s") and not last.endswith("ss")


def title_case(text: str) -> str:
    return " ".join(UPPER_WORDS.get(w, w[:1].upper() + w[1:]) for w in text.split())


def option_match(a: str, b: str) -> bool:
    return fuzzy_score(normalize_color(a.lower()), normalize_color(b.lower())) > MATCH_THRESHOLD


def make_price(rng: random.Random, low: float, high: float) -> float:
    return math.floor(rng.uniform(low, high)) + rng.choice((0.99, 0.99, 0.49, 0.95, 0.79, 0.5))


class Generator:
    def __init__(self, config: GeneratorConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)

    # ---------------------------------------------------------------- drafts
    def pick_options(self, category: vocab.Category, kind: vocab.Kind) -> dict[str, list[str]]:
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], weights=[1, 4, 5, 2])[0]
        keys = rng.sample(kind.options, min(count, len(kind.options)))
        options = {}
        for key in [k for k in kind.options if k in keys]:  # keep the kind's group order
            table = category.options[key].values
            n = rng.randint(2, min(8, len(table)))
            chosen = set(rng.sample(table, n))
            options[key] = [v for v in table if v in chosen]
        return options

    def new_draft(self, category: vocab.Category, kind: vocab.Kind, **changes: Any) -> Draft:
        rng = self.rng
        attrs: list[str] = []
        for attr in rng.sample(kind.attributes, len(kind.attributes)):
            if len(attrs) < rng.randint(3, min(5, len(kind.attributes))) and compatible(attr, attrs):
                attrs.append(attr)
        low = make_price(rng, *kind.price)
        high = None
        if rng.random() < 0.3:
            high = round(low * rng.uniform(1.15, 1.8), 2)
        draft = Draft(category, kind, rng.choice(category.brands), attrs,
                      self.pick_options(category, kind), low, high)
        for name, value in changes.items():
            setattr(draft, name, value)
        return draft

    def variant(self, base: Draft, **changes: Any) -> Draft:
        """A sibling of `base`: other brand, similar single price, same attributes/options."""
        draft = Draft(base.category, base.kind, self.rng.choice(base.category.brands),
                      list(base.attributes), {k: list(v) for k, v in base.options.items()},
                      round(base.low * self.rng.uniform(0.85, 1.0), 2))
        draft.low = math.floor(draft.low) + 0.99 if draft.low >= 2 else draft.low
        for name, value in changes.items():
            setattr(draft, name, value)
        return draft

    def render(self, draft: Draft) -> dict[str, Any]:
        """The draft as a product in WebShop's schema (`asin` filled in later)."""
        rng, category, kind = self.rng, draft.category, draft.kind
        head = rng.choice(kind.heads)
        attrs = list(draft.attributes)
        rng.shuffle(attrs)
        words = [draft.brand]
        if rng.random() < 0.55:
            words.append(rng.choice(category.descriptors))
        in_title = attrs[:2] if rng.random() < 0.5 else attrs[:1] if rng.random() < 0.6 else []
        if in_title:
            words.append(title_case(in_title[0]))
        words.append(head)
        if kind.audiences and rng.random() < 0.6:
            words.append(rng.choice(kind.audiences))
        title = " ".join(words)
        if len(in_title) > 1:
            title += ", " + title_case(in_title[1])
        sentences = [category.attributes[a].sentence for a in attrs[: rng.randint(1, 2)]]
        description = " ".join(
            [rng.choice(category.intros).format(brand=draft.brand, head=head.lower())]
            + sentences + rng.sample(category.closers, rng.randint(1, 2))
        )
        bullets = [f"{a.upper()}: {category.attributes[a].sentence}" for a in attrs]
        bullets += rng.sample(category.extras, rng.randint(1, 2))
        pricing = f"${draft.low:.2f}" if draft.high is None else f"${draft.low:.2f} - ${draft.high:.2f}"
        return {
            "asin": "", "name": title, "category": category.name, "query": kind.query,
            "product_category": kind.path, "full_description": description,
            "small_description": bullets, "pricing": pricing,
            "customization_options": {
                category.options[key].name: [{"value": v, "image": None} for v in values]
                for key, values in draft.options.items()
            },
            "attributes": list(draft.attributes), "type_words": list(kind.type_words),
        }

    # ---------------------------------------------------------------- goals
    def goal_spec(self, target: Draft, must_have: str | None = None) -> GoalSpec:
        rng = self.rng
        pool = [a for a in target.attributes if a != must_have]
        n_attr = rng.randint(1, min(3, len(target.attributes)))
        attrs = ([must_have] if must_have else []) + rng.sample(pool, n_attr - (1 if must_have else 0))
        most = min(2, len(target.options), 4 - n_attr)
        n_opt = rng.choices(range(most + 1), weights=(1, 3, 3)[: most + 1])[0]  # most goals name options
        keys = rng.sample(sorted(target.options), n_opt)
        options = {k: rng.choice(target.options[k]) for k in target.options if k in keys}
        return GoalSpec(target, attrs, options)

    def without_value(self, draft: Draft, key: str, wanted: str) -> dict[str, list[str]] | None:
        """`draft`'s options with every value that would satisfy `wanted` removed from group
        `key`, topped up to two values; None when the group's table cannot do that."""
        options = {k: list(v) for k, v in draft.options.items()}
        kept = [v for v in options[key] if not option_match(v, wanted)]
        spare = [v for v in draft.category.options[key].values
                 if v not in kept and not option_match(v, wanted)]
        while len(kept) < 2 and spare:
            kept.append(spare.pop(self.rng.randrange(len(spare))))
        if len(kept) < 2:
            return None
        options[key] = [v for v in draft.category.options[key].values if v in kept]
        return options

    def cluster(self, category: vocab.Category, kind: vocab.Kind) -> tuple[list[Draft], list[GoalSpec]]:
        rng = self.rng
        target = self.new_draft(category, kind)
        first = self.goal_spec(target)
        dropped = rng.choice(first.attributes)
        kept = [a for a in target.attributes if a != dropped]
        unused = [a for a in kind.attributes if a not in target.attributes and compatible(a, kept)]
        swapped_in = rng.choice(unused) if unused else None
        attr_off = self.variant(target, attributes=kept + ([swapped_in] if swapped_in else []))
        key = rng.choice(sorted(first.options)) if first.options else None
        reduced = self.without_value(target, key, first.options[key]) if key else None
        if reduced is not None:
            second_off = self.variant(target, options=reduced)
        else:
            others = [a for a in first.attributes if a != dropped] or [dropped]
            second_off = self.variant(target, attributes=[a for a in target.attributes if a != others[0]])
        price_off = self.variant(target)
        first.price_off = price_off
        drafts = [target, attr_off, second_off, price_off]
        goals = [first]
        if swapped_in:
            goals.append(self.goal_spec(attr_off, must_have=swapped_in))
        return drafts, goals

    # ---------------------------------------------------------------- instructions
    def instruction(self, spec: GoalSpec, price_text: str) -> str:
        rng, category = self.rng, spec.target.category
        ask = rng.choice(spec.target.kind.asks)
        clauses = [category.attributes[a].ask for a in spec.attributes]
        if is_plural(ask):
            clauses = [re.sub(r"^that(?: is|'s) ", "that are ", c) for c in clauses]
        for key, value in spec.options.items():
            clauses.append(rng.choice(category.options[key].asks).format(v=value.lower()))
        rng.shuffle(clauses)
        text = f"{rng.choice(vocab.OPENERS)} {ask}"
        if clauses:
            text += " " + join_clauses(clauses)
        return text + price_text

    # ---------------------------------------------------------------- whole catalogue
    def build(self) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        drafts: list[Draft] = []
        specs: list[GoalSpec] = []
        for category in vocab.CATEGORIES:
            kinds = category.kinds[: self.config.kinds_limit] if self.config.kinds_limit else category.kinds
            for kind in kinds:
                for _ in range(self.config.clusters_per_kind):
                    cluster_drafts, cluster_goals = self.cluster(category, kind)
                    drafts += cluster_drafts
                    specs += cluster_goals
                drafts += [self.new_draft(category, kind) for _ in range(self.config.fillers_per_kind)]
        rng.shuffle(drafts)  # WebShop's items_shuffle file is shuffled too
        used: set[str] = set()
        for draft in drafts:
            while not draft.asin or draft.asin in used:
                draft.asin = "B0" + rng.choice("0123456789") + "".join(rng.choices(ASIN_CHARS, k=7))
            used.add(draft.asin)
            draft.raw = self.render(draft)
            draft.raw["asin"] = draft.asin

        # Prices are sampled the way the loader will sample them; caps follow from them.
        products = parse_products([d.raw for d in drafts], None, "generator")
        prices = sample_prices(products, random.Random(SEED))
        goals: list[Goal] = []
        for spec in specs:
            target = spec.target
            upper, price_text = price_cap(prices[target.asin], rng)
            if spec.price_off is not None and upper < 1e5:
                over = math.floor(upper * rng.uniform(1.08, 1.3)) + 0.99
                spec.price_off.raw["pricing"] = f"${over:.2f}"
            goals.append(Goal(
                asin=target.asin, instruction=self.instruction(spec, price_text),
                attributes=list(spec.attributes), goal_options=[v.lower() for v in spec.options.values()],
                price_upper=upper, query=target.kind.query, category=target.category.name,
                product_category=target.kind.path, name=target.raw["name"],
                type_words=tuple(target.kind.type_words),
            ))
        items = [d.raw for d in drafts]
        catalogue = Catalogue(parse_products(items, None, "generator"), goals,
                              sample_prices(parse_products(items, None, "generator"), random.Random(SEED)),
                              source="generator")
        check_text(catalogue, drafts)
        kept = [g for g in goals if goal_is_sound(catalogue, g)]
        rng.shuffle(kept)
        return items, [g.to_json() for g in kept]


CLAUSE_PREFIXES = ("that is ", "that's ", "that are ", "that comes ", "with ", "made of ", "made with ",
                   "upholstered in ", "for ", "in ")


def join_clauses(clauses: list[str]) -> str:
    """Clauses sharing a lead-in are merged: ["that is a", "with b", "that is c"] becomes
    "that is a and c, with b"."""
    groups: dict[str, list[str]] = {}
    for clause in clauses:
        prefix = next((p for p in CLAUSE_PREFIXES if clause.startswith(p)), clause)
        groups.setdefault(prefix, []).append(clause[len(prefix):] if prefix != clause else "")
    parts = []
    for prefix, rests in groups.items():
        rests = [r for r in rests if r]
        if not rests:
            parts.append(prefix)
        else:
            parts.append(prefix + (rests[0] if len(rests) == 1 else ", ".join(rests[:-1]) + " and " + rests[-1]))
    return ", ".join(parts)


def check_text(catalogue: Catalogue, drafts: list[Draft]) -> None:
    """A product's text must never mention an attribute of its kind that it does not have,
    or attribute-off distractors would match by substring."""
    for draft in drafts:
        product = catalogue.by_asin[draft.asin]
        text = " ".join([product.title, product.description, *product.bullets]).lower()
        for attr in draft.kind.attributes:
            if attr not in draft.attributes and attr in text:
                raise AssertionError(f"{draft.asin} ({draft.kind.query}) mentions {attr!r}: {text}")


def careless_reward(catalogue: Catalogue, product_asin: str, goal: Goal) -> float:
    product = catalogue.by_asin[product_asin]
    chosen = option_choices(product, goal.goal_options)
    for group, values in product.options.items():
        chosen.setdefault(group, values[0])
    return purchase_reward(product, goal, catalogue.prices[product_asin], chosen).reward


def goal_is_sound(catalogue: Catalogue, goal: Goal) -> bool:
    target = catalogue.by_asin[goal.asin]
    if find_listing(catalogue, goal) is None:
        return False
    best = purchase_reward(target, goal, catalogue.prices[goal.asin],
                           option_choices(target, goal.goal_options))
    if best.reward != 1.0:
        return False
    low, high = CARELESS_BAND
    return any(
        low <= careless_reward(catalogue, p.asin, goal) <= high
        for p in catalogue.products if p.query == goal.query and p.asin != goal.asin
    )


def write_gzip_json(path: Path, payload: Any) -> None:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(data)


def write_dataset(out_dir: Path, config: GeneratorConfig) -> tuple[int, int]:
    items, goals = Generator(config).build()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_gzip_json(out_dir / PRODUCTS_FILE, items)
    write_gzip_json(out_dir / GOALS_FILE, goals)
    return len(items), len(goals)
