"""The local backend for real: Gemma 3 270M from its PyPI package, run with transformers.

The model is loaded once per test session (the `gemma` fixture). It is converted into the default
model cache (`$REMEMBERER_CACHE_DIR/models/gemma3-270m`, else `~/.cache/rememberer/models/...`):
the first session on a machine pays the one-off conversion (about a minute), later sessions load
the converted copy in seconds. The response cache is off, so every call here runs the model.
"""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.xdist_group("gemma")  # one worker loads the model

from agent.llm import default_cache_dir, make_llm
from agent.llm_local import _SOURCE_FILE, GEMMA_MODEL, LocalGemmaLLM, _is_converted

# A two-exemplar WebShop-style prompt in the Encouraged/Discouraged format; the model continues it.
FEW_SHOT = """You are shopping on a web store. For each page, rate the next actions.

Instruction: i want a pack of blue ballpoint pens, price lower than 10.00 dollars
Observation: [Search]
Available actions: search
Encouraged:
search[blue ballpoint pens pack] -> 1.0 nothing is shown yet, so search for the requested item
Discouraged:
click[back to search] -> 0.0 there is no result page to leave

Instruction: i need a waterproof hiking backpack, price lower than 60.00 dollars
Observation: [Search]
Available actions: search
Encouraged:
search[waterproof hiking backpack] -> 1.0 start by searching for the described bag
Discouraged:
click[buy now] -> 0.0 no product has been chosen yet

Instruction: i am looking for a stainless steel water bottle, price lower than 25.00 dollars
Observation: [Search]
Available actions: search
Encouraged:
"""
STOP = ["Discouraged"]
ANSWER = re.compile(r"^search\[[^\]\n]+\] -> 1\.0 \S")


def test_the_session_model_is_the_local_gemma(gemma):
    assert isinstance(gemma, LocalGemmaLLM) and gemma.name == "local:gemma3-270m"


def test_few_shot_completion_comes_out_in_the_advice_format_and_stops_early(gemma):
    result = gemma.complete(FEW_SHOT, max_tokens=64, stop=STOP)
    assert ANSWER.match(result.text), result.text
    assert "Discouraged" not in result.text
    assert result.completion_tokens < 64  # the stopping criterion ended generation, not max_tokens
    assert not result.cached


def test_low_temperature_sampling_is_seeded_and_repeatable(gemma):
    prompt = "A short list of fruit: apple, pear,"
    first = gemma.complete(prompt, max_tokens=8, temperature=0.7)
    second = gemma.complete(prompt, max_tokens=8, temperature=0.7)
    assert first.text == second.text and first.text.strip()
    assert not second.cached


def test_token_counts_use_gemmas_tokenizer(gemma):
    assert gemma.count_tokens("hello world") == 2
    assert gemma.count_tokens("") == 0
    before = gemma.usage.prompt_tokens, gemma.usage.calls
    result = gemma.complete("Say:", max_tokens=1)
    assert result.prompt_tokens == gemma.count_tokens("Say:") + 1  # plus the begin-of-text token
    assert gemma.usage.prompt_tokens - before[0] == result.prompt_tokens
    assert gemma.usage.calls == before[1] + 1


def test_the_converted_model_is_kept_in_the_cache_dir(gemma):
    folder = default_cache_dir() / "models" / GEMMA_MODEL
    assert gemma.models_dir / GEMMA_MODEL == folder
    assert (folder / "config.json").is_file() and (folder / "tokenizer.json").is_file()
    source = json.loads((folder / _SOURCE_FILE).read_text())
    assert source["gguf_file"].endswith(".gguf")
    assert "quantization_config" not in json.loads((folder / "config.json").read_text())
    assert gemma.load_seconds is not None and gemma.load_seconds > 0


def test_an_unfinished_or_foreign_conversion_is_not_trusted(tmp_path):
    folder = tmp_path / GEMMA_MODEL
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    assert not _is_converted(folder, "abc")  # no source marker: a conversion that did not finish
    (folder / _SOURCE_FILE).write_text(json.dumps({"gguf_sha256": "other"}))
    assert not _is_converted(folder, "abc")  # converted from another GGUF file
    (folder / _SOURCE_FILE).write_text(json.dumps({"gguf_sha256": "abc"}))
    assert _is_converted(folder, "abc")


# --- the decoding loop: same answers as transformers, prefix reuse, constraints ---------------

def test_greedy_answers_equal_transformers_generate_and_survive_prefix_reuse(gemma):
    import torch

    tokenizer, model = gemma._tokenizer, gemma._model
    inputs = tokenizer(FEW_SHOT, return_tensors="pt")
    with torch.inference_mode():
        reference = model.generate(**inputs, max_new_tokens=12, do_sample=False,
                                   pad_token_id=tokenizer.pad_token_id)
    expected = tokenizer.decode(reference[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)
    gemma._decoder.cache.clear()
    first = gemma.complete(FEW_SHOT, max_tokens=12, temperature=0.0)
    assert gemma.last_stats.reused_tokens == 0 and len(gemma._decoder.cache) >= 2  # block snapshots
    second = gemma.complete(FEW_SHOT, max_tokens=12, temperature=0.0)
    assert first.text == second.text == expected
    assert gemma.last_stats.reused_tokens > 150  # instructions + both exemplars came from the cache


def test_constrained_answers_are_in_the_language_whatever_the_prompt(gemma):
    from agent.constraints import ADVICE, AnswerConstraint
    from environments.action_patterns import Slot

    constraint = AnswerConstraint(ADVICE, (("search[", Slot(forbidden="]\n", max_chars=20), "]"),
                                           ("click[buy now]",), ("click[< prev]",)), reason_chars=30)
    for prompt in (FEW_SHOT, "The weather today is", "Available actions:\n- click[< prev]\nEncouraged:\n"):
        answer = gemma.complete(prompt, max_tokens=48, temperature=0.0, constraint=constraint)
        assert re.fullmatch(constraint.regex(), answer.text), (prompt, answer.text)
    sampled = [gemma.complete("The weather today is", max_tokens=48, temperature=1.0,
                              constraint=constraint).text for _ in range(2)]
    assert sampled[0] == sampled[1] and re.fullmatch(constraint.regex(), sampled[0])


def test_an_answer_without_a_reason_is_the_full_answer_cut_after_its_value(gemma):
    """Greedy decoding writes the action and the value before the reason, so ending the answer
    after the value (frozen-memory passes) keeps the same action and value."""
    from agent.constraints import ADVICE, AnswerConstraint
    from environments.action_patterns import Slot

    patterns = (("search[", Slot(forbidden="]\n", max_chars=20), "]"), ("click[buy now]",),
                ("click[< prev]",))
    full = AnswerConstraint(ADVICE, patterns, reason_chars=30)
    short = AnswerConstraint(ADVICE, patterns, reason=False)
    for prompt in (FEW_SHOT, "Available actions:\n- click[< prev]\nEncouraged:\n"):
        long_text = gemma.complete(prompt, max_tokens=48, temperature=0.0, constraint=full).text
        short_text = gemma.complete(prompt, max_tokens=48, temperature=0.0, constraint=short).text
        head = re.match(r"(.*? -> [0-9]\.[0-9]) ", long_text)
        assert head and short_text == head.group(1) + "\n", (long_text, short_text)
        assert gemma.last_stats.new_tokens < len(gemma._tokenizer(long_text)["input_ids"])
