"""The bundled WikiHow corpus (articles, authors, categories), its tasks, and BM25 search.

Data lives in `environments/wikihow/data/*.json.gz`, written by `scripts/make_wikihow_data.py`.
Loading is cached per process and per data folder, so creating many environments is cheap;
the BM25 index is built on the first search and kept with the cached corpus.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from environments.errors import EnvironmentDataError
from environments.ranking import ranked, top_indices

DATA_DIR = Path(__file__).parent / "data"
CORPUS_FILE = "corpus.json.gz"
TASKS_FILE = "tasks.json.gz"
FORMAT_VERSION = 1

SEARCH_HITS = 10  # results listed for one query (the screen shows about 7 at a time)
_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-case word tokens, the unit of keyword matching."""
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Author:
    id: int
    name: str
    role: str
    bio: str
    expert: bool


@dataclass(frozen=True)
class Article:
    id: int
    title: str
    top: str  # top-level category, e.g. "Hobbies and Crafts"
    sub: str  # second-level category, e.g. "Needlework"
    topic: str  # the topic the near-duplicate titles share, e.g. "Knit a Scarf"
    author: int
    views: int
    updated: str  # e.g. "3 years ago"
    last_updated: str  # e.g. "March 29, 2019"
    expert: bool
    intro: str
    steps: tuple[str, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class SubGoal:
    """One sub-goal of a command. `kind` is search|article|author|category|reference|about;
    `target` is the keywords (search, space separated), the title, the author name or the
    category name."""

    kind: str
    target: str = ""


@dataclass(frozen=True)
class Task:
    index: int
    command: str
    phrase: str  # what the command asks to search for, e.g. "how to knit a scarf"
    article: int  # the target article id
    mix: str  # article | about | reference | category | author | author+about
    goals: tuple[SubGoal, ...]


class SearchIndex:
    """BM25 (bm25s) over article titles; `search(query)` returns up to SEARCH_HITS article ids,
    best score first, equal scores by smaller article id (near-duplicate titles often tie)."""

    def __init__(self, titles: list[str]) -> None:
        import bm25s  # imported lazily: only a search needs it
        from bm25s.stopwords import STOPWORDS_EN
        from bm25s.tokenization import Tokenizer

        self._tokenizer = Tokenizer(stopwords=sorted(set(STOPWORDS_EN) | {"how", "ways"}))
        tokens = self._tokenizer.tokenize(titles, show_progress=False)
        self._bm25 = bm25s.BM25()
        self._bm25.index(tokens, show_progress=False)
        self._size = len(titles)

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every title for `query` (all zero when no word is indexed)."""
        tokens = self._tokenizer.tokenize([query], update_vocab=False, show_progress=False)
        if not tokens[0] or all(t == 0 for t in tokens[0]):
            return np.zeros(self._size, dtype=np.float32)
        return self._bm25.get_scores([int(t) for t in tokens[0]])

    def search(self, query: str, k: int = SEARCH_HITS) -> list[int]:
        # Every title is scored and ranked here: bm25s's own top-k would leave ties to NumPy's
        # CPU-specific partition and sort kernels.
        return top_indices(self.scores(query), k, above=0)


class Corpus:
    """Articles, authors and tasks of one data folder, with lookups the screens need."""

    def __init__(self, articles: list[Article], authors: list[Author], tasks: list[Task]) -> None:
        self.articles = articles
        self.authors = authors
        self.tasks = tasks
        self.by_title = {a.title: a.id for a in articles}
        by_category: dict[str, list[int]] = {}
        by_author: dict[int, list[int]] = {}
        for article in articles:
            by_category.setdefault(article.top, []).append(article.id)
            by_category.setdefault(article.sub, []).append(article.id)
            by_author.setdefault(article.author, []).append(article.id)
        rank = lambda ids: ranked(ids, score=lambda i: articles[i].views, ident=lambda i: i)  # noqa: E731
        self.by_category = {name: rank(ids) for name, ids in by_category.items()}
        self.by_author = {author: rank(ids) for author, ids in by_author.items()}

    @cached_property
    def index(self) -> SearchIndex:
        return SearchIndex([a.title for a in self.articles])

    def search(self, query: str) -> list[int]:
        return self.index.search(query)


def _read_json(path: Path) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise EnvironmentDataError(f"WikiHow data file not found: {path}") from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EnvironmentDataError(f"WikiHow data file {path} is not valid gzipped JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise EnvironmentDataError(
            f"WikiHow data file {path} has an unknown format (expected version {FORMAT_VERSION})"
        )
    return data


def corpus_from_dicts(corpus: dict, tasks: dict) -> Corpus:
    """Build a Corpus from the decoded JSON documents (also used by the generator)."""
    try:
        authors = [Author(**a) for a in corpus["authors"]]
        articles = [
            Article(**{**a, "steps": tuple(a["steps"]), "references": tuple(a["references"])})
            for a in corpus["articles"]
        ]
        task_list = [
            Task(
                index=i, command=t["command"], phrase=t["phrase"], article=t["article"],
                mix=t["mix"], goals=tuple(SubGoal(kind, target) for kind, target in t["goals"]),
            )
            for i, t in enumerate(tasks["tasks"])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise EnvironmentDataError(f"WikiHow data is malformed: {exc!r}") from None
    if any(a.id != i for i, a in enumerate(articles)) or any(a.id != i for i, a in enumerate(authors)):
        raise EnvironmentDataError("WikiHow data is malformed: ids must be 0..n-1 in order")
    return Corpus(articles, authors, task_list)


def read_corpus(data_dir: str | Path) -> Corpus:
    """Read a data folder afresh (no cache); `load_corpus` is the cached way in."""
    folder = Path(data_dir)
    if not folder.is_dir():
        raise EnvironmentDataError(f"WikiHow data folder not found: {folder}")
    return corpus_from_dicts(_read_json(folder / CORPUS_FILE), _read_json(folder / TASKS_FILE))


@lru_cache(maxsize=4)
def _load(data_dir: str) -> Corpus:
    return read_corpus(data_dir)


def load_corpus(data_dir: str | Path | None = None) -> Corpus:
    """The corpus of `data_dir` (default: the bundled data), loaded once per process."""
    return _load(str(Path(data_dir or DATA_DIR).resolve()))
