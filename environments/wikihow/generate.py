"""Deterministic generator of the bundled WikiHow corpus and tasks (run by
`scripts/make_wikihow_data.py`). Same seed, same bytes of JSON."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import math
import random
from pathlib import Path

from environments.wikihow import topics as T
from environments.wikihow.corpus import (
    CORPUS_FILE, FORMAT_VERSION, TASKS_FILE, corpus_from_dicts, words,
)

SEED = 20230615
TODAY = dt.date(2023, 6, 15)
AUTHORS_PER_TOP = 10
TEST_MIX = {"article": 25, "about": 18, "reference": 11, "category": 9, "author": 4, "author+about": 3}
TRAIN_MIX = {"article": 3, "about": 3, "reference": 2, "category": 1, "author": 1}  # S0, S1
EXTRA_TASKS = 110  # tasks 90.. for other splits, drawn with the test mix's proportions
FIRST_SCREEN = 7  # search results the first results screen shows; a task's target is among them
MIX_GOALS = {
    "article": ("search", "article"),
    "about": ("search", "article", "about"),
    "reference": ("search", "article", "reference"),
    "category": ("search", "article", "category"),
    "author": ("search", "article", "author"),
    "author+about": ("search", "article", "author", "about"),
}


def _authors(rng: random.Random) -> list[dict]:
    pairs = [(f, l) for f in T.FIRST_NAMES for l in T.LAST_NAMES]
    names = rng.sample(pairs, AUTHORS_PER_TOP * len(T.CATEGORIES))
    authors = [{"id": 0, "name": T.STAFF_NAME, "role": T.STAFF_ROLE, "bio": T.STAFF_BIO, "expert": False}]
    for top_index, top in enumerate(T.CATEGORIES):
        for k in range(AUTHORS_PER_TOP):
            first, last = names[top_index * AUTHORS_PER_TOP + k]
            name = f"{first} {last}"
            role = T.ROLES[top][k % len(T.ROLES[top])]
            bio = T.BIO.format(name=name, years=rng.randint(4, 30), role=role.lower())
            authors.append({"id": len(authors), "name": name, "role": role, "bio": bio, "expert": True})
    return authors


def _titles(rng: random.Random, topic: str) -> list[str]:
    qualifiers = rng.sample(T.QUALIFIERS, rng.randint(5, 8))
    titles = [f"How to {topic}"] + [f"How to {topic} {q}" for q in qualifiers]
    shape = rng.choice(T.LIST_TITLES)
    titles.append(shape.format(t=topic, n=rng.randint(3, 9)))
    return titles


def _dates(rng: random.Random) -> tuple[str, str]:
    days = rng.randint(40, 3300)
    if days < 365:
        ago = f"{days // 30} months ago"
    else:
        years = days // 365
        ago = "1 year ago" if years == 1 else f"{years} years ago"
    date = TODAY - dt.timedelta(days=days)
    return ago, f"{date:%B} {date.day}, {date.year}"


def _article(rng: random.Random, ident: int, title: str, top: str, sub: str, topic: str,
             authors_of_top: list[int]) -> dict:
    task = " ".join(w if w in T.KEEP_CASE else w.lower() for w in topic.split())
    staff = rng.random() < 0.3
    author = 0 if staff else rng.choice(authors_of_top)
    updated, last_updated = _dates(rng)
    steps = [s.format(task=task) for s in rng.sample(T.STEPS, rng.randint(3, 7))]
    slug = "-".join(words(topic))
    references = [
        f"https://www.{source}.example/{slug}" + ("" if n == 0 else f"-{n + 1}")
        for n, source in enumerate(rng.sample(T.REFERENCE_SOURCES, rng.randint(2, 6)))
    ]
    return {
        "id": ident, "title": title, "top": top, "sub": sub, "topic": topic, "author": author,
        "views": int(math.exp(rng.uniform(math.log(800), math.log(3_000_000)))),
        "updated": updated, "last_updated": last_updated,
        "expert": (not staff) and rng.random() < 0.6,
        "intro": rng.choice(T.INTROS).format(task=task), "steps": steps, "references": references,
    }


def build_corpus(seed: int = SEED) -> dict:
    rng = random.Random(seed)
    authors = _authors(rng)
    articles: list[dict] = []
    for top_index, (top, subs) in enumerate(T.CATEGORIES.items()):
        top_authors = list(range(1 + top_index * AUTHORS_PER_TOP, 1 + (top_index + 1) * AUTHORS_PER_TOP))
        for sub, topic_list in subs.items():
            for topic in topic_list:
                for title in _titles(rng, topic):
                    articles.append(_article(rng, len(articles), title, top, sub, topic, top_authors))
    titles = [a["title"] for a in articles]
    assert len(set(titles)) == len(titles), "titles must be unique"
    return {"version": FORMAT_VERSION, "seed": seed, "authors": authors, "articles": articles}


def _mix_sequence(rng: random.Random) -> list[tuple[str, str]]:
    """(split, mix) for every task in index order: test 0-69, S0 70-79, S1 80-89, extra 90-."""
    def expand(mix: dict[str, int]) -> list[str]:
        kinds = [kind for kind, count in mix.items() for _ in range(count)]
        rng.shuffle(kinds)
        return kinds

    sequence = [("test", k) for k in expand(TEST_MIX)]
    sequence += [("S0", k) for k in expand(TRAIN_MIX)] + [("S1", k) for k in expand(TRAIN_MIX)]
    kinds, weights = zip(*TEST_MIX.items())
    sequence += [("extra", k) for k in rng.choices(kinds, weights=weights, k=EXTRA_TASKS)]
    return sequence


def build_tasks(corpus_doc: dict, seed: int = SEED) -> dict:
    rng = random.Random(seed + 1)
    corpus = corpus_from_dicts(corpus_doc, {"tasks": []})
    topics = sorted({(a.top, a.sub, a.topic) for a in corpus.articles})
    rng.shuffle(topics)
    tasks: list[dict] = []
    for _split, mix in _mix_sequence(rng):
        while True:
            top, sub, topic = topics.pop()
            phrase = "how to " + " ".join(words(topic))
            # The topic's articles by id that the first results screen lists (a membership
            # test: where each one is listed plays no part in the choice).
            listed = set(corpus.search(phrase)[:FIRST_SCREEN])
            candidates = [
                a.id for a in corpus.articles
                if a.id in listed and a.topic == topic and a.title.startswith("How to ")
                and (not mix.startswith("author") or a.author != 0)
            ]
            if candidates:
                break
        article = corpus.articles[rng.choice(candidates)]
        keywords = [w for w in words(topic) if w not in T.STOPWORDS]
        goals: list[list[str]] = []
        sentences = [f"Search an article to learn {phrase}."]
        for kind in MIX_GOALS[mix]:
            if kind == "search":
                goals.append([kind, " ".join(keywords)])
            elif kind == "article":
                goals.append([kind, article.title])
                sentences.append(f'Then, access the article "{article.title}".')
            elif kind == "author":
                name = corpus.authors[article.author].name
                goals.append([kind, name])
                sentences.append(f"Then, check the author page of {name}.")
            elif kind == "category":
                category = rng.choice([article.top, article.sub])
                goals.append([kind, category])
                sentences.append(f"Then, access the page of category {category}.")
            elif kind == "reference":
                goals.append([kind, ""])
                sentences.append("Then, check the reference list.")
            elif kind == "about":
                goals.append([kind, ""])
                sentences.append("Then, access the about page to learn why people trust wikihow.")
        tasks.append({
            "command": " ".join(sentences), "phrase": phrase, "article": article.id,
            "mix": mix, "goals": goals,
        })
    return {"version": FORMAT_VERSION, "seed": seed, "tasks": tasks}


def dump_gz(doc: dict, path: Path) -> None:
    """Write compact JSON, gzip without a timestamp, so reruns give identical bytes."""
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(raw)
    path.write_bytes(buffer.getvalue())


def write_data(out_dir: Path, seed: int = SEED) -> tuple[int, int]:
    """Generate both files into `out_dir`; returns (number of articles, number of tasks)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus_doc = build_corpus(seed)
    tasks_doc = build_tasks(corpus_doc, seed)
    dump_gz(corpus_doc, out_dir / CORPUS_FILE)
    dump_gz(tasks_doc, out_dir / TASKS_FILE)
    return len(corpus_doc["articles"]), len(tasks_doc["tasks"])
