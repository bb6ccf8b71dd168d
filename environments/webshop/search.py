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
import numpy as np
import Stemmer

TOP_K = 50  # WebShop's SEARCH_RETURN_N

# Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split()
)
_SEPARATORS = str.maketrans({c: " " for c in string.punctuation.replace("_", "") + "‘’“”–—›•"})


@dataclass
class Analyzer:
    """Turns text into index terms. Stems are memoised: a catalogue has few distinct words."""

    stemmer: Stemmer.Stemmer = field(default_factory=lambda: Stemmer.Stemmer("porter"))
    stems: dict[str, str] = field(default_factory=dict)

    def __call__(self, text: str) -> list[str]:
        text = text.lower().replace("'s ", " ").replace("’s ", " ").translate(_SEPARATORS)
        stems, terms = self.stems, []
        for word in text.split():
            if word in STOP_WORDS:
                continue
            stem = stems.get(word)
            if stem is None:
                stem = stems[word] = self.stemmer.stemWord(word)
            terms.append(stem)
        return terms


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
        self.vocab: dict[str, int] = {}
        token_ids = [[self.vocab.setdefault(t, len(self.vocab)) for t in self.analyzer(doc)]
                     for doc in documents]
        self.bm25 = bm25s.BM25(k1=0.9, b=0.4, method="lucene")
        if self.vocab:
            self.bm25.index((token_ids, dict(self.vocab)), create_empty_token=False,
                            show_progress=False)

    def search(self, query: str, k: int = TOP_K) -> list[str]:
        terms = [self.vocab[t] for t in self.analyzer(query) if t in self.vocab]
        if not terms:
            return []
        scores = self.bm25.get_scores(terms)
        hits = np.flatnonzero(scores > 0)
        # Best score first; ties keep catalogue order, as Lucene breaks ties by document id.
        order = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [self.ids[i] for i in order]
