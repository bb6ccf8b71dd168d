"""Loading WebShop's own files, the bundled catalogue and its generator."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from pathlib import Path

import pytest

from environments.errors import EnvironmentDataError
from environments.webshop import WebShopEnv, load_catalogue, num_goals
from environments.webshop.catalogue import BUNDLED_DIR, GOALS_FILE, PRODUCTS_FILE, PRICE_RANGE, SEED
from environments.webshop.generate import GeneratorConfig, careless_reward, write_dataset
from environments.webshop.sample import write_sample

pytestmark = pytest.mark.dispatch  # regenerated data must equal the bundle at every dispatch level


# ---------------------------------------------------------------- WebShop's own files

@pytest.fixture
def sample_dir(tmp_path):
    return write_sample(tmp_path / "webshop")


def test_products_are_read_as_webshop_did(sample_dir):
    catalogue = load_catalogue(sample_dir)
    assert [p.asin for p in catalogue.products][:3] == ["B000000001", "B000000002", "B000000003"]
    assert len(catalogue.products) == 15  # duplicate, "nan" and over-long ASINs skipped
    shoes, men, hat = (catalogue.by_asin[a] for a in ("B000000001", "B000000002", "B000000003"))
    assert shoes.options == {"color": ["black | white", "ocean blue"], "size": ["7", "8"]}
    assert shoes.attributes == ["rubber sole", "breathable mesh"]  # from items_ins_v2
    assert hat.attributes == ["DUMMY_ATTR"] and hat.bullets == ["Double layer knit"]
    assert (men.pricing, men.price_tag) == ([39.99, 59.99], "$39.99 to $59.99")
    assert (hat.pricing, hat.price_tag) == ([100.0], "$100.0")
    assert men.query == "running shoes" and shoes.query == "running shoes"  # lowercased, stripped
    assert catalogue.prices["B000000001"] == 45.99 and 39.99 <= catalogue.prices["B000000002"] <= 59.99


def test_human_goals_are_built_and_shuffled_as_webshop_did(sample_dir):
    catalogue = load_catalogue(sample_dir)
    # Products in file order give goals B1 (the entry without attributes is skipped), B2, B3;
    # then WebShop shuffles them with random.seed(233).
    expected = ["B000000001", "B000000002", "B000000003"]
    random.Random(SEED).shuffle(expected)
    assert [g.asin for g in catalogue.goals] == expected
    by_asin = {g.asin: g for g in catalogue.goals}
    women = by_asin["B000000001"]
    assert women.instruction == ("i need women's running shoes with a rubber sole in ocean blue, "
                                 f"and price lower than {women.price_upper:.2f} dollars")
    assert women.attributes == ["rubber sole"] and women.goal_options == ["ocean blue", "8"]
    for goal in catalogue.goals:
        price = catalogue.prices[goal.asin]
        above = [p for p in PRICE_RANGE if p > price][:4]
        assert goal.price_upper in above[1:]  # the larger of two draws is never the first
    assert num_goals(sample_dir) == 3


def test_synthetic_goals_without_human_instructions(tmp_path):
    folder = write_sample(tmp_path / "synthetic", human=False)
    goals = load_catalogue(folder).goals
    assert len(goals) == 4  # B000000001: 2 colours x 2 sizes; B000000002 has no instruction
    texts = sorted(g.instruction.split(", and price")[0] for g in goals)
    assert texts[0] == "i want women's trail running shoes with a rubber sole with color: black | white, and size: 7"
    assert sorted(tuple(g.goal_options) for g in goals)[0] == ("black | white", "7")


def test_oracle_and_env_work_on_webshop_files(sample_dir):
    from environments.webshop.oracle import oracle_actions

    env = WebShopEnv(data_dir=sample_dir)
    for index in range(num_goals(sample_dir)):
        env.reset(options={"goal": index})
        for action in oracle_actions(env):
            _, reward, terminated, _, _ = env.step(action)
        assert terminated and reward == 1.0


def test_loading_is_cached_until_files_change(sample_dir):
    first = WebShopEnv(data_dir=sample_dir).catalogue
    assert WebShopEnv(data_dir=str(sample_dir)).catalogue is first
    items = sample_dir / "items_shuffle_1000.json"
    rows = json.loads(items.read_text())[:2]
    items.write_text(json.dumps(rows))
    os.utime(items, ns=(1, 1))
    assert len(load_catalogue(sample_dir).products) == 2


def test_bad_data_folders_give_one_line_errors(tmp_path):
    with pytest.raises(EnvironmentDataError, match="does not exist"):
        load_catalogue(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EnvironmentDataError, match="holds no WebShop data"):
        load_catalogue(empty)
    broken = write_sample(tmp_path / "broken")
    (broken / "items_human_ins.json").write_text("{not json")
    with pytest.raises(EnvironmentDataError, match=r"items_human_ins\.json is not valid JSON") as caught:
        load_catalogue(broken)
    assert "\n" not in str(caught.value)
    wrong = write_sample(tmp_path / "wrong")
    (wrong / "items_shuffle_1000.json").write_text('{"asin": "B000000001"}')
    with pytest.raises(EnvironmentDataError, match="must hold a JSON list"):
        load_catalogue(wrong)
    malformed = write_sample(tmp_path / "malformed")
    (malformed / "items_shuffle_1000.json").write_text('[{"asin": "B000000001"}]')
    with pytest.raises(EnvironmentDataError, match=r"product #0 is malformed"):
        load_catalogue(malformed)


# ---------------------------------------------------------------- the bundled catalogue

@pytest.fixture(scope="module")
def bundled():
    return load_catalogue()


def test_bundled_catalogue_shape(bundled):
    assert 3000 <= len(bundled.products) <= 6000
    assert len(bundled.goals) >= 1500
    assert {p.category for p in bundled.products} == {"beauty", "food", "fashion", "furniture", "electronics"}
    asin = re.compile(r"^B0\d[A-Z0-9]{7}$")
    assert all(asin.match(p.asin) for p in bundled.products)
    assert len({p.asin for p in bundled.products}) == len(bundled.products)
    assert max(len(p.options) for p in bundled.products) <= 3
    assert max(len(v) for p in bundled.products for v in p.options.values()) <= 10
    assert any(len(p.pricing) == 2 for p in bundled.products)
    size = sum((BUNDLED_DIR / name).stat().st_size for name in (PRODUCTS_FILE, GOALS_FILE))
    assert size < 3_000_000


def test_bundled_goals_are_consistent(bundled):
    for goal in bundled.goals:
        target = bundled.by_asin[goal.asin]
        assert set(goal.attributes) <= set(target.attributes)
        assert all(target.group_of(value) for value in goal.goal_options)
        assert bundled.prices[goal.asin] <= goal.price_upper
        assert goal.instruction.endswith(f", and price lower than {goal.price_upper:.2f} dollars")
        assert 1 <= len(goal.attributes) + len(goal.goal_options) <= 4
        assert goal.name == target.title and goal.query == target.query


def test_every_bundled_goal_has_a_hard_distractor(bundled):
    by_query: dict[str, list[str]] = {}
    for product in bundled.products:
        by_query.setdefault(product.query, []).append(product.asin)
    for goal in bundled.goals:
        assert any(0.5 <= careless_reward(bundled, asin, goal) <= 0.8
                   for asin in by_query[goal.query] if asin != goal.asin), goal.instruction


def test_bundled_data_is_what_the_generator_writes(tmp_path):
    write_dataset(tmp_path, GeneratorConfig())
    for name in (PRODUCTS_FILE, GOALS_FILE):  # compare contents: gzip bytes depend on zlib
        assert gzip.decompress((tmp_path / name).read_bytes()) == \
            gzip.decompress((BUNDLED_DIR / name).read_bytes()), name


def test_generator_is_seeded_and_its_output_loads(tmp_path):
    small = dict(clusters_per_kind=2, fillers_per_kind=1, kinds_limit=1)
    a, b, c = (tmp_path / n for n in "abc")
    write_dataset(a, GeneratorConfig(seed=5, **small))
    write_dataset(b, GeneratorConfig(seed=5, **small))
    write_dataset(c, GeneratorConfig(seed=6, **small))
    assert (a / PRODUCTS_FILE).read_bytes() == (b / PRODUCTS_FILE).read_bytes()
    assert (a / GOALS_FILE).read_bytes() == (b / GOALS_FILE).read_bytes()
    assert (a / PRODUCTS_FILE).read_bytes() != (c / PRODUCTS_FILE).read_bytes()
    env = WebShopEnv(data_dir=a)
    assert len(env.catalogue.products) == 5 * (2 * 4 + 1) and num_goals(a) >= 5


def test_make_webshop_data_script(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "scripts/make_webshop_data.py", "--out", str(tmp_path),
                           "--clusters", "1", "--seed", "3"],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.match(r"wrote \d+ products and \d+ goals to ", done.stdout)
    assert (tmp_path / PRODUCTS_FILE).is_file() and (tmp_path / GOALS_FILE).is_file()
