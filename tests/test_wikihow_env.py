"""WikiHow environment: screen shapes (tag sequences), actions, sub-goal rewards, instructions."""

from __future__ import annotations

import re

import gymnasium as gym
import pytest

from environments.errors import EnvironmentDataError
from environments.wikihow import SPLITS, WikiHowEnv, num_tasks
from environments.wikihow.corpus import load_corpus
from environments.wikihow.env import instruction_for

LINE = re.compile(
    r'<(?P<tag>p|button|div)(?: class="[^"]*")?(?: alt="[^"]*")? id="(?P<id>\d+)" '
    r'clickable="(?:true|false)">[^\n<]*</(?P=tag)>'
    r'|<(?P<void>img)(?: class="[^"]*")?(?: alt="[^"]*")? id="(?P<vid>\d+)" clickable="(?:true|false)">'
    r'|<input class="[^"]*" value="[^"]*" type="text" id="(?P<iid>\d+)" clickable="true">'
)
STATUS = '<div class="statusBarBackground" id="{}" clickable="false"></div>'
RESULT_ROW = ["div", "div", "p", "div", "p", "p"]
EXPERT_TAIL = ["div", "p"]


def tags(observation: str) -> list[str]:
    return [re.match(r"<(\w+)", line).group(1) for line in observation.splitlines()]


def texts(observation: str) -> list[str]:
    return [re.sub(r"^<[^>]*>|</\w+>$", "", line) for line in observation.splitlines()]


def line_of(observation: str, text: str) -> int:
    """The id of the first clickable element with exactly this text."""
    for line in observation.splitlines():
        m = re.match(r'<\w+[^>]* id="(\d+)" clickable="true">(.*)</\w+>$', line)
        if m and m.group(2) == text:
            return int(m.group(1))
    raise AssertionError(f"no clickable element {text!r} on screen:\n{observation}")


def assert_well_formed(observation: str) -> None:
    lines = observation.splitlines()
    for i, line in enumerate(lines):
        m = LINE.fullmatch(line)
        assert m, f"malformed line {line!r}"
        assert int(m.group("id") or m.group("vid") or m.group("iid")) == i
    assert lines[-1] == STATUS.format(len(lines) - 1)


def task_of(mix: str) -> int:
    return next(t.index for t in load_corpus().tasks if t.mix == mix)


@pytest.fixture
def env() -> WikiHowEnv:
    return WikiHowEnv(max_steps=50)  # room for long hand-written action sequences


def search(env: WikiHowEnv, query: str):
    """From the home screen: type into the search button (id 2)."""
    return env.step(f"INPUT(2, {query})")


def open_target(env: WikiHowEnv, task: int):
    env.reset(options={"task": task})
    t = load_corpus().tasks[task]
    title = load_corpus().articles[t.article].title
    search(env, title)
    return env.step(f"CLICK({line_of(env.render(), title)})")


# ------------------------------------------------------------------------------ screens
def test_home_screen_shape_and_format(env):
    observation, info = env.reset(options={"task": 3})
    assert tags(observation) == ["button", "img", "img", "div", "div"]
    assert_well_formed(observation)
    lines = observation.splitlines()
    assert lines[0] == '<button alt="Open navigation drawer" id="0" clickable="true"></button>'
    assert lines[2] == '<img class="search button" alt="Search" id="2" clickable="true">'
    assert lines[3] == '<div class="webView" id="3" clickable="true"></div>'
    assert set(info) == {"command", "instruction", "last_reward", "total_reward", "task", "valid",
                         "available_actions"}
    assert info["task"] == 3 and info["instruction"] == "" and info["valid"] is True
    assert info["last_reward"] == 0.0 and info["total_reward"] == 0.0
    assert info["command"] == load_corpus().tasks[3].command


def test_search_results_shape(env):
    env.reset(options={"task": 3})
    observation, *_ = search(env, "how to find a language exchange partner")
    assert_well_formed(observation)
    seq = tags(observation)
    assert seq[:3] == ["button", "input", "img"] and seq[-1] == "div"
    assert 'value="how to find a language exchange partner" type="text"' in observation.splitlines()[1]
    body, rows = seq[3:-1], 0
    while len(body) >= len(RESULT_ROW):  # full rows; the window may cut the last one
        assert body[:6] == RESULT_ROW
        body = body[6:]
        if body[:2] == EXPERT_TAIL and (len(body) == 2 or body[2:3] == ["div"]):
            body = body[2:]
        rows += 1
    assert body == RESULT_ROW[:len(body)]
    assert 6 <= rows <= 8
    shown = texts(observation)
    assert "How to Find a Language Exchange Partner" in shown
    assert any(re.fullmatch(r"[\d,]+ views", t) for t in shown) and "Updated" in shown
    assert "Expert Co-Authored" in shown  # some results carry the expert line, some not
    assert shown.count("Expert Co-Authored") < rows


def test_search_without_hits_and_clear(env):
    env.reset(options={"task": 3})
    observation, *_ = search(env, "qwertyuiop")
    assert tags(observation) == ["button", "input", "img", "p", "div"]
    observation, _, _, _, info = env.step("CLICK(2)")  # clear query
    assert tags(observation) == ["button", "input", "img", "div"]
    assert 'value="" type="text"' in observation and info["valid"]


def test_article_top_shape(env):
    observation, *_ = open_target(env, 3)
    assert_well_formed(observation)
    seq, shown = tags(observation), texts(observation)
    assert seq[:12] == ["button", "img", "img", "p", "p", "div", "p", "p", "button", "p", "div", "img"]
    assert len(seq) == 3 + 14 + 1
    assert shown[3].isupper() and shown[4].isupper()  # breadcrumbs
    assert shown[5] == "How to Find a Language Exchange Partner"
    assert shown[6] == "Co-authored by" and shown[8].startswith("Last Updated: ")
    assert shown[9] == "References"
    assert re.search(r'<img alt="Image titled Find a Language Exchange Partner Step 1\.jpg" id="11"', observation)
    assert "1&#10;" in observation  # step text keeps its newline, escaped


def test_scroll_moves_viewport_and_goback_restores(env):
    top, *_ = open_target(env, task_of("author"))  # scrolling completes nothing in this task
    _, _, _, _, info = env.step("SCROLL(UP)")
    assert info["valid"] is False and env.render() == top  # already at the top
    down, _, _, _, info = env.step("SCROLL(DOWN)")
    assert info["valid"] and down != top
    assert tags(down)[:3] == ["button", "img", "img"] and len(tags(down)) == len(tags(top))
    assert texts(down)[3:10] == texts(top)[10:17]  # the body moved by 7 elements
    assert tags(down) != tags(top)  # so the tag sequence shifts
    assert_well_formed(down)
    assert env.step("SCROLL(UP)")[0] == top
    _, _, _, _, info = env.step("SCROLL(LEFT)")
    assert info["valid"] is False and env.render() == top
    for _ in range(8):
        env.step("SCROLL(DOWN)")
    assert "Did this article help you?" in texts(env.render())  # the end of the article
    _, _, _, _, info = env.step("SCROLL(DOWN)")
    assert info["valid"] is False
    env.step("CLICK(0)")  # navigate up -> search results
    assert tags(env.render())[:3] == ["button", "input", "img"]
    observation, _, _, _, info = env.step("GOBACK")
    assert tags(observation) == ["button", "img", "img", "div", "div"] and info["valid"]
    _, _, _, _, info = env.step("GOBACK")
    assert info["valid"] is False  # nothing behind the home screen


def test_goback_keeps_scroll_position(env):
    open_target(env, task_of("author"))
    down, *_ = env.step("SCROLL(DOWN)")
    env.step(f"CLICK({down.count(chr(10))})")  # status bar: inert
    assert env.render() == down
    env.step("INPUT(2, knit a scarf)")
    assert env.step("GOBACK")[0] == down


def test_references_section(env):
    open_target(env, 3)
    observation, *_ = env.step("CLICK(9)")  # the References link jumps down
    shown = texts(observation)
    assert "References" in shown and any(t.startswith("\u2191 https://") for t in shown)
    assert "About This Article" in shown and "Learn why people trust wikiHow" in shown
    assert_well_formed(observation)


def test_author_page_shape(env):
    observation, *_ = open_target(env, 3)
    author = texts(observation)[7]
    observation, *_ = env.step("CLICK(7)")
    assert_well_formed(observation)
    seq, shown = tags(observation), texts(observation)
    assert len(seq) == 12
    assert seq[:8] == ["button", "img", "img", "img", "p", "p", "div", "p"] and seq[8:11] == ["div"] * 3
    assert shown[4] == author and re.fullmatch(r"\d+ Articles", shown[7])


def test_category_page_shape(env):
    open_target(env, 3)
    observation, *_ = env.step("CLICK(4)")  # second breadcrumb
    assert_well_formed(observation)
    seq = tags(observation)
    assert 24 <= len(seq) <= 28
    assert seq[:5] == ["button", "img", "img", "p", "p"]
    cards = seq[5:-1]
    assert cards == ["img", "p", "div", "div"] * (len(cards) // 4)
    assert texts(observation)[3] == "Languages"


def test_about_and_drawer_shapes(env):
    env.reset(options={"task": 3})
    observation, *_ = env.step("CLICK(0)")  # menu button
    assert tags(observation) == ["img", "p", "p", "div"]
    observation, *_ = env.step(f"CLICK({line_of(observation, 'About wikiHow')})")
    assert tags(observation) == ["button", "img", "img", "p", "div", "div", "div", "div", "p", "div"]
    assert texts(observation)[3] == "About wikiHow"
    assert_well_formed(observation)
    observation, *_ = env.step("CLICK(0)")
    assert tags(observation) == ["img", "p", "p", "div"]
    observation, *_ = env.step("CLICK(1)")  # Home
    assert tags(observation) == ["button", "img", "img", "div", "div"]


# ------------------------------------------------------------------------------ actions
@pytest.mark.parametrize("action", [
    "", "hello", "click(3)", "CLICK 3", "CLICK(3) now", "CLICK(-1)", "CLICK(a)", "INPUT(2)",
    "SCROLL(down)", "SCROLL(SIDEWAYS)", "GO BACK", "TYPE(2, x)",
])
def test_unparsable_actions_are_noop_steps(env, action):
    env = WikiHowEnv(max_steps=3)
    before, _ = env.reset(options={"task": 3})
    for n in range(3):
        observation, reward, terminated, truncated, info = env.step(action)
        assert observation == before and reward == 0.0 and not terminated
        assert info["valid"] is False
        assert truncated is (n == 2)  # each no-op still counts as a step


def test_ids_are_clipped_and_inert_elements_do_nothing(env):
    before, _ = env.reset(options={"task": 3})
    for action in ("CLICK(999)", "CLICK(1)", "INPUT(3, knit)", "INPUT(99, knit)"):
        observation, _, _, _, info = env.step(action)
        assert observation == before and info["valid"] is False, action
    observation, _, _, _, info = env.step("CLICK(3)")  # the web view is clickable but inert
    assert observation == before and info["valid"] is True


def test_input_variants(env):
    env.reset(options={"task": 3})
    observation, *_ = env.step('INPUT( 2 ,  "knit a scarf" )')
    assert 'value="knit a scarf"' in observation
    observation, *_ = env.step("INPUT(1, bake sourdough bread)")  # a new search replaces the list
    assert 'value="bake sourdough bread"' in observation and "How to Bake Sourdough Bread" in observation
    observation, *_ = env.step("GOBACK")
    assert tags(observation) == ["button", "img", "img", "div", "div"]
    observation, *_ = env.step("CLICK(2)")  # the search button opens an empty search
    assert tags(observation) == ["button", "input", "img", "div"]


def test_available_actions_are_all_valid(env):
    other = "How to Find a Language Exchange Partner Safely"  # a result that is not the target
    query = "INPUT(2, language exchange partner)"

    def replay(prefix: list[str]) -> None:
        """Steps from the start of task 3; a title means: click that title where it is listed."""
        env.reset(options={"task": 3})
        for step in prefix:
            env.step(f"CLICK({line_of(env.render(), step)})" if step.startswith("How to ") else step)

    for prefix in ([], [query], [query, other], [query, other, "CLICK(9)"]):
        replay(prefix)
        actions = env.available_actions()
        assert any(a.startswith("CLICK(") for a in actions)
        for action in actions:
            replay(prefix)
            _, _, _, _, info = env.step(action)
            assert info["valid"], (prefix, action)


# ------------------------------------------------------------------------------ rewards and instructions
def test_search_subgoal_needs_a_keyword(env):
    env.reset(options={"task": 3})
    _, reward, _, _, info = search(env, "zebra crossing")
    assert reward == 0.0 and info["instruction"] == ""
    _, reward, _, _, info = env.step("INPUT(1, Partner)")  # any keyword, any case
    assert reward == 1.0 and info["total_reward"] == 1.0
    assert info["instruction"] == 'Access the article "How to Find a Language Exchange Partner"'
    _, reward, _, _, info = env.step("INPUT(1, exchange partner)")
    assert reward == 0.0 and info["total_reward"] == 1.0  # once only


def test_reference_task_rewards_in_order(env):
    task = load_corpus().tasks[3]
    assert task.mix == "reference"
    env.reset(options={"task": 3})
    observation, reward, *_ = search(env, "language exchange partner")
    assert reward == 1.0
    wrong = line_of(observation, "How to Find a Language Exchange Partner Safely")
    _, reward, *_ = env.step(f"CLICK({wrong})")
    assert reward == 0.0  # a near duplicate is not the article
    env.step("CLICK(9)")  # its references do not count either
    _, reward, *_ = env.step("GOBACK")
    assert reward == 0.0
    observation = env.render()
    _, reward, terminated, _, info = env.step(f"CLICK({line_of(observation, 'How to Find a Language Exchange Partner')})")
    assert reward == 1.0 and not terminated and info["instruction"] == "Check the reference list"
    _, reward, terminated, truncated, info = env.step("CLICK(9)")
    assert reward == 1.0 and terminated and not truncated and info["total_reward"] == 3.0
    with pytest.raises(EnvironmentDataError, match="episode is over"):
        env.step("GOBACK")


def test_reference_by_scrolling(env):
    open_target(env, 3)
    total = 0.0
    for _ in range(6):
        _, reward, terminated, _, _ = env.step("SCROLL(DOWN)")
        total += reward
        if terminated:
            break
    assert total == 1.0 and terminated


def test_article_only_task_terminates(env):
    task = task_of("article")
    _, reward, terminated, _, info = open_target(env, task)
    assert reward == 1.0 and terminated and info["total_reward"] == 2.0


def test_about_counts_only_after_the_article(env):
    task = task_of("about")
    env.reset(options={"task": task})
    keyword = load_corpus().tasks[task].goals[0].target.split()[0]
    assert search(env, keyword)[1] == 1.0
    env.step("GOBACK")
    env.step("CLICK(0)")
    _, reward, *_ = env.step("CLICK(2)")  # About wikiHow from the drawer, too early
    assert reward == 0.0
    _, reward, terminated, _, info = open_target(env, task)
    assert info["instruction"] == "Access the about page to learn why people trust wikihow."
    env.step("CLICK(8)")  # Last Updated jumps to "About This Article"
    observation = env.render()
    _, reward, terminated, _, info = env.step(f"CLICK({line_of(observation, 'Learn why people trust wikiHow')})")
    assert reward == 1.0 and terminated and info["total_reward"] == 3.0


def test_category_subgoal(env):
    index = task_of("category")
    task = load_corpus().tasks[index]
    article = load_corpus().articles[task.article]
    category = task.goals[2].target
    other = article.sub if category == article.top else article.top
    observation, *_ = open_target(env, index)
    _, reward, *_ = env.step(f"CLICK({line_of(observation, other.upper())})")
    assert reward == 0.0  # the other breadcrumb
    env.step("GOBACK")
    _, reward, terminated, _, info = env.step(f"CLICK({line_of(observation, category.upper())})")
    assert reward == 1.0 and terminated and info["instruction"] == f"Access the page of category {category}"


def test_author_then_about_subgoals(env):
    index = task_of("author+about")
    task = load_corpus().tasks[index]
    name = task.goals[2].target
    observation, _, _, _, info = open_target(env, index)
    assert info["instruction"] == f"Check the author page of {name}."
    _, reward, terminated, _, info = env.step(f"CLICK({line_of(observation, name)})")
    assert reward == 1.0 and not terminated
    assert info["instruction"] == "Access the about page to learn why people trust wikihow."
    env.step("GOBACK")
    env.step("CLICK(8)")
    _, reward, terminated, _, info = env.step(f"CLICK({line_of(env.render(), 'Learn why people trust wikiHow')})")
    assert reward == 1.0 and terminated and info["total_reward"] == 4.0


@pytest.mark.parametrize("mix", ["article", "about", "reference", "category", "author", "author+about"])
def test_instruction_sequence_matches_the_memory_matcher(mix):
    from environments.wikihow.oracle import OraclePolicy
    from environments.wikihow.spec import instruction_kind

    env, index = WikiHowEnv(), task_of(mix)
    task = load_corpus().tasks[index]
    observation, info = env.reset(options={"task": index})
    seen = [info["instruction"]]
    terminated = False
    while not terminated:
        observation, reward, terminated, truncated, info = env.step(OraclePolicy().act(observation, info))
        assert not truncated
        if reward:
            seen.append(info["instruction"])
    expected = ["", *(instruction_for(g) for g in task.goals[1:])]
    assert seen[:len(expected)] == expected
    assert [instruction_kind(s) for s in expected] == [g.kind for g in task.goals]


# ------------------------------------------------------------------------------ API and data
def test_splits_and_task_mix():
    tasks = load_corpus().tasks
    assert num_tasks() == len(tasks) >= 90
    assert SPLITS == {"test": range(0, 70), "S0": range(70, 80), "S1": range(80, 90)}
    mix = [tasks[i].mix for i in SPLITS["test"]]
    assert {m: mix.count(m) for m in set(mix)} == {
        "article": 25, "about": 18, "reference": 11, "category": 9, "author": 4, "author+about": 3}
    for split in ("S0", "S1"):
        assert len({tasks[i].mix for i in SPLITS[split]}) == 5
    test_topics = {load_corpus().articles[tasks[i].article].topic for i in SPLITS["test"]}
    train_topics = {load_corpus().articles[tasks[i].article].topic for i in (*SPLITS["S0"], *SPLITS["S1"])}
    assert not test_topics & train_topics


def test_command_wording():
    task = load_corpus().tasks[3]
    assert task.command == (
        "Search an article to learn how to find a language exchange partner. Then, access the article "
        '"How to Find a Language Exchange Partner". Then, check the reference list.'
    )


@pytest.mark.parametrize("bad", [-1, 10_000, "3", 2.0, True, None])
def test_unknown_task_is_a_one_line_error(env, bad):
    with pytest.raises(EnvironmentDataError) as err:
        env.reset(options={"task": bad})
    assert "valid tasks are 0.." in str(err.value) and "\n" not in str(err.value)


def test_numpy_task_index_is_accepted(env):
    import numpy as np

    assert env.reset(options={"task": np.int64(4)})[1]["task"] == 4


def test_reset_without_task_uses_the_seed():
    first = WikiHowEnv().reset(seed=7)[1]["task"]
    assert WikiHowEnv().reset(seed=7)[1]["task"] == first
    assert len({WikiHowEnv().reset(seed=s)[1]["task"] for s in range(10)}) > 1


def test_bad_construction_and_data(tmp_path):
    with pytest.raises(EnvironmentDataError):
        WikiHowEnv(max_steps=0)
    with pytest.raises(EnvironmentDataError):
        WikiHowEnv(render_mode="rgb_array")
    with pytest.raises(EnvironmentDataError, match="not found"):
        WikiHowEnv(data_dir=tmp_path / "missing").reset(options={"task": 0})
    (tmp_path / "corpus.json.gz").write_bytes(b"not gzip")
    (tmp_path / "tasks.json.gz").write_bytes(b"not gzip")
    with pytest.raises(EnvironmentDataError, match="not valid gzipped JSON"):
        WikiHowEnv(data_dir=tmp_path).reset(options={"task": 0})
    with pytest.raises(EnvironmentDataError, match="reset"):
        WikiHowEnv().step("GOBACK")


def test_gymnasium_registration_and_render():
    import environments  # noqa: F401  (registers the ids)

    env = gym.make("rememberer/WikiHow-v0", render_mode="ansi", max_steps=4)
    observation, info = env.reset(options={"task": 5})
    assert env.render() == observation and info["task"] == 5
    assert env.observation_space.contains(observation)
    for _ in range(3):
        *_, truncated, _ = env.step("GOBACK")
        assert not truncated
    assert env.step("GOBACK")[3] is True
