"""BM25 search: the analyser, ranking, the 50-result cap and what is indexed."""

from __future__ import annotations

from environments.webshop import load_catalogue
from environments.webshop.search import TOP_K, Analyzer, SearchIndex, document_text


def test_analyzer_stems_and_drops_stop_words_and_possessives():
    analyze = Analyzer()
    assert analyze("The Men's Running-Shoes, for a TRAIL") == ["men", "run", "shoe", "trail"]
    assert analyze("shirts shirt") == ["shirt", "shirt"]
    assert analyze("the of and") == []


def test_ranking_and_ties_keep_catalogue_order():
    index = SearchIndex(["a", "b", "c", "d"], ["blue shirt", "red shirt", "red red shirt", "green hat"])
    assert index.search("red shirts") == ["c", "b", "a"]
    assert index.search("shirt") == ["a", "b", "c"]  # same length, same score: file order
    assert index.search("the") == [] and index.search("purple") == [] and index.search("") == []


def test_index_text_is_title_description_first_bullet_and_options():
    text = document_text("Title X", "Desc Y", ["First Z", "Second W"], {"color": ["red", "navy blue"]})
    assert text == "title x desc y first z color: red, navy blue"
    index = SearchIndex(["p"], [text])
    assert index.search("navy") == ["p"] and index.search("second") == []


def test_bundled_search_caps_at_fifty_and_finds_products():
    catalogue = load_catalogue()
    results = catalogue.search("black shirt for women")
    assert len(results) == TOP_K == 50
    assert len(set(results)) == 50
    top = catalogue.by_asin[results[0]]
    assert "shirt" in top.title.lower()
