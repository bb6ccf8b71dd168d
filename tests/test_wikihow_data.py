"""WikiHow corpus: the bundled data is what the seeded generator makes, and searches behave."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from environments.wikihow.corpus import (CORPUS_FILE, DATA_DIR, SEARCH_HITS, TASKS_FILE, SearchIndex,
                                         load_corpus)
from environments.wikihow.generate import write_data

pytestmark = pytest.mark.dispatch  # regenerated data must equal the bundle at every dispatch level


def test_bundled_data_matches_the_generator(tmp_path):
    write_data(tmp_path)
    for name in (CORPUS_FILE, TASKS_FILE):
        fresh = json.loads(gzip.decompress((tmp_path / name).read_bytes()))
        bundled = json.loads(gzip.decompress((DATA_DIR / name).read_bytes()))
        assert fresh == bundled, f"{name} is stale: run scripts/make_wikihow_data.py"


def test_bundle_is_small():
    assert sum(p.stat().st_size for p in DATA_DIR.glob("*.json.gz")) < 3 * 1024 * 1024


def test_corpus_shape():
    corpus = load_corpus()
    assert 2500 <= len(corpus.articles) <= 5000
    assert len(corpus.by_title) == len(corpus.articles)  # titles are unique
    assert len({a.top for a in corpus.articles}) >= 10 and len({a.sub for a in corpus.articles}) >= 30
    assert all(3 <= len(a.steps) <= 7 and 2 <= len(a.references) for a in corpus.articles)
    assert 0.2 < sum(a.expert for a in corpus.articles) / len(corpus.articles) < 0.7
    assert corpus.authors[0].name == "wikiHow Staff" and len(corpus.authors) > 100


def test_searches_return_near_duplicates():
    corpus = load_corpus()
    for task in corpus.tasks:
        hits = corpus.search(task.phrase)
        target = corpus.articles[task.article]
        assert task.article in hits[:7]
        assert sum(corpus.articles[i].topic == target.topic for i in hits[:7]) >= 5
        assert task.article in corpus.search(target.title)[:3]  # the exact title ranks high
    assert corpus.search("zzzz qqqq") == [] and corpus.search("") == []


def test_task_goals_are_consistent():
    corpus = load_corpus()
    for task in corpus.tasks:
        article = corpus.articles[task.article]
        kinds = [g.kind for g in task.goals]
        assert kinds[:2] == ["search", "article"] and 2 <= len(kinds) <= 4
        assert task.goals[1].target == article.title and article.title.startswith("How to ")
        assert set(task.goals[0].target.split()) <= set(task.phrase.split())
        for goal in task.goals[2:]:
            if goal.kind == "author":
                assert goal.target == corpus.authors[article.author].name != "wikiHow Staff"
            if goal.kind == "category":
                assert goal.target in (article.top, article.sub)


def test_search_ties_go_to_the_smaller_article_id():
    """Equal BM25 scores are listed by article id on every CPU (NumPy's sort kernels, chosen by
    CPU, would each order them differently)."""
    index = SearchIndex(["How to Knit a Scarf"] * 12 + ["How to Knit a Hat", "How to Bake Bread"])
    assert index.search("knit a scarf") == list(range(10))
    assert index.search("knit hat") == [12, *range(10)][:10]

    corpus = load_corpus()
    tied_queries = 0
    for task in corpus.tasks:
        scores = corpus.index.scores(task.phrase)
        hits = corpus.search(task.phrase)
        positive = [int(i) for i in np.flatnonzero(scores > 0)]
        expected = sorted(positive, key=lambda i: (-scores[i], i))[:SEARCH_HITS]
        assert hits == expected, task.phrase
        tied_queries += len({float(scores[i]) for i in hits}) < len(hits)
    assert tied_queries > len(corpus.tasks) // 2  # ties are the norm, so the order is exercised
