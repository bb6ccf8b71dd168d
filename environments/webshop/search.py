"""BM25 product search with Lucene's defaults (k1 = 0.9, b = 0.4), as WebShop's Pyserini index.

Each product is indexed by the lowercased text WebShop's indexer built: title, description,
first bullet point and an ``name: v1, v2, and name: ...`` rendering of its option groups.
The analyser follows Lucene's English analyser closely enough for shopping queries: split on
punctuation and spaces, drop the possessive ``'s``, remove Lucene's 33 English stop words,
and Porter-stem what is left (PyStemmer).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

import bm25s
import Stemmer

from environments.ranking import top_indices

TOP_K = 50  # WebShop's SEARCH_RETURN_N

# Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)
_SEPARATORS = str.maketrans({c: " " for c in string.punctuation.replace("_", "") + "‘’“”–—›•"})


def words_of(text: str) -> list[str]:
    """Lowercased words, split on punctuation and spaces, possessive 's dropped."""
    return text.lower().replace("'s ", " ").replace("\u2019s ", " ").translate(_SEPARATORS).split()


@dataclass
class Analyzer:
    """Turns text into index terms. Stems are memoised: a catalogue has few distinct words."""

    stemmer: Stemmer.Stemmer = field(default_factory=lambda: Stemmer.Stemmer("porter"))
    stems: dict[str, str] = field(default_factory=dict)

    def stem_all(self, words: list[str]) -> None:
        new = [w for w in words if w not in self.stems]
        self.stems.update(zip(new, self.stemmer.stemWords(new)))

    def __call__(self, text: str) -> list[str]:
        words = [w for w in words_of(text) if w not in STOP_WORDS]
        self.stem_all(words)
        return [self.stems[w] for w in words]


def option_text(options: dict[str, list[str]]) -> str:
    """WebShop's rendering of the option groups for the index."""
    return ", and ".join(f"{name}: {', '.join(values)}" for name, values in options.items())


def document_text(title: str, description: str, bullets: list[str],
                  options: dict[str, list[str]]) -> str:
    first_bullet = bullets[0] if bullets else ""
    return " ".join([title, description, first_bullet, option_text(options)]).lower()


class SearchIndex:
    """A BM25 index over a list of product ids; `search` returns up to 50 ids, best first."""

    def __init__(self, ids: list[str], documents: list[str]) -> None:
        self.ids = ids
        self.analyzer = Analyzer()
        # Analyse the corpus in bulk: stem every distinct word once, then map words to term ids.
        split = [words_of(doc) for doc in documents]
        distinct: set[str] = set()
        for words in split:
            distinct.update(words)
        distinct_words = sorted(distinct - STOP_WORDS)
        self.analyzer.stem_all(distinct_words)
        self.vocab: dict[str, int] = {}
        word_ids = {w: self.vocab.setdefault(self.analyzer.stems[w], len(self.vocab)) for w in distinct_words}
        token_ids = [[word_ids[w] for w in words if w in word_ids] for words in split]
        self.bm25 = bm25s.BM25(k1=0.9, b=0.4, method="lucene")
        if self.vocab:
            self.bm25.index((token_ids, dict(self.vocab)), create_empty_token=False,
                            show_progress=False)

    def search(self, query: str, k: int = TOP_K) -> list[str]:
        terms = [self.vocab[t] for t in self.analyzer(query) if t in self.vocab]
        if not terms:
            return []
        scores = self.bm25.get_scores(terms)
        # Best score first; ties keep catalogue order, as Lucene breaks ties by document id.
        return [self.ids[i] for i in top_indices(scores, k, above=0)]
