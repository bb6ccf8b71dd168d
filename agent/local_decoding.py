"""The local model's decoding loop: prompt prefix reuse, grammar-constrained tokens, thread counts.

`Decoder.generate(prompt_ids, ...)` runs a transformers causal LM one forward pass at a time:

- **Prefix reuse.** After a prompt, the key/value cache is kept (copied) at the end of every
  blank-line-separated block that opens the prompt (the instructions, then each exemplar). A later
  prompt that starts with the same tokens resumes from the longest such snapshot and only runs the
  rest of its prompt through the model. Snapshots are kept for the last `snapshots` blocks used.
- **Constraints.** With an `AnswerConstraint`, llguidance computes which tokens may come next (a
  bitmask over the vocabulary, from the constraint's regular expression); every other token is
  excluded before choosing. Where the grammar allows a single continuation, llguidance's
  fast-forward tokens are fed in one pass instead of one per step. When few tokens are allowed,
  only their rows of the output layer are computed (the 262k-word output layer is most of the
  cost of a step).
- **Threads.** Prompt processing (large matrix products) and token-by-token decoding (memory
  bound) run with their own torch thread counts.

Greedy (temperature 0) picks the highest logit (ties: the lowest token id); temperature > 0 samples
with a generator seeded per call, so the same inputs always give the same text.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

RESTRICTED_HEAD_LIMIT = 4096  # allowed tokens up to which only their output rows are computed


@dataclass
class DecodeStats:
    """What one `generate` call did, for benchmarks."""

    prompt_tokens: int = 0
    reused_tokens: int = 0  # prompt tokens answered by a snapshot
    prefill_seconds: float = 0.0
    new_tokens: int = 0
    forced_tokens: int = 0  # fed as fast-forward tokens
    decode_seconds: float = 0.0
    decode_passes: int = 0


class PrefixCache:
    """Key/value cache snapshots keyed by the token prefix they hold (least recently used out)."""

    def __init__(self, capacity: int = 6):
        self.capacity = capacity
        self._entries: OrderedDict[tuple[int, ...], Any] = OrderedDict()

    def longest(self, ids: Sequence[int]) -> tuple[int, Any]:
        """(length, a private copy of the snapshot) of the longest stored prefix of `ids` that is
        shorter than `ids`; (0, None) when there is none."""
        best: tuple[int, ...] | None = None
        for key in self._entries:
            if len(key) < len(ids) and (best is None or len(key) > len(best)) \
                    and tuple(ids[:len(key)]) == key:
                best = key
        if best is None:
            return 0, None
        self._entries.move_to_end(best)
        return len(best), copy.deepcopy(self._entries[best])

    def put(self, ids: Sequence[int], cache: Any) -> None:
        key = tuple(ids)
        if key in self._entries:
            self._entries.move_to_end(key)
            return
        self._entries[key] = copy.deepcopy(cache)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class Decoder:
    """One loaded model and its tokenizer, with the settings of the loop (see the module doc)."""

    model: Any
    tokenizer: Any
    prefill_threads: int = 1
    decode_threads: int = 1
    reuse_prefix: bool = True
    snapshots: int = 6
    boundary_ids: frozenset[int] = frozenset()  # tokens that end a block (e.g. "\n\n")
    tokenizer_file: Path | None = None  # tokenizer.json, for the grammar engine
    cache: PrefixCache = field(init=False)

    def __post_init__(self) -> None:
        self.cache = PrefixCache(self.snapshots)
        self._guide_tokenizer: Any = None
        self._bitmask: Any = None
        self._bit_shifts: Any = None

    # --- grammar -----------------------------------------------------------------------------
    def _matcher(self, regex: str) -> Any:
        import llguidance

        if self._guide_tokenizer is None:
            # Built from tokenizer.json by llguidance itself (a few seconds, once per model).
            source = (Path(self.tokenizer_file).read_text(encoding="utf-8") if self.tokenizer_file
                      else self.tokenizer.backend_tokenizer.to_str())
            self._guide_tokenizer = llguidance.LLTokenizer(
                source, n_vocab=int(self.model.config.vocab_size), eos_token=sorted(self._eos_ids())[0])
        matcher = llguidance.LLMatcher(self._guide_tokenizer,
                                       llguidance.LLMatcher.grammar_from_regex(regex), log_level=0)
        if matcher.is_error():
            raise ValueError(f"the answer constraint does not compile: {matcher.get_error()}")
        return matcher

    # --- the loop ----------------------------------------------------------------------------
    def generate(self, prompt_ids: list[int], *, max_tokens: int, temperature: float, seed: int,
                 regex: str | None = None, stop_check: Any = None) -> tuple[list[int], DecodeStats]:
        """New token ids after `prompt_ids` (at most `max_tokens`; generation ends at the
        end-of-text token, when the constraint is complete, or when `stop_check(new_ids)` says so)."""
        import torch

        threads = torch.get_num_threads()
        try:
            return self._generate(prompt_ids, max_tokens=max_tokens, temperature=temperature,
                                  seed=seed, regex=regex, stop_check=stop_check)
        finally:
            torch.set_num_threads(threads)  # the rest of the process keeps its own setting

    def _generate(self, prompt_ids: list[int], *, max_tokens: int, temperature: float, seed: int,
                  regex: str | None, stop_check: Any) -> tuple[list[int], DecodeStats]:
        import time

        import torch

        stats = DecodeStats(prompt_tokens=len(prompt_ids))
        matcher = self._matcher(regex) if regex is not None else None
        generator = torch.Generator().manual_seed(seed) if temperature > 0 else None
        eos = self._eos_ids()

        start = time.perf_counter()
        torch.set_num_threads(self.prefill_threads)
        past, hidden = self._prefill(prompt_ids, stats)
        stats.prefill_seconds = time.perf_counter() - start

        start = time.perf_counter()
        torch.set_num_threads(self.decode_threads)
        new: list[int] = []
        position = len(prompt_ids)
        while len(new) < max_tokens:
            token = self._choose(hidden, matcher, temperature, generator, eos)
            if token in eos:
                break
            step = [token]
            if matcher is not None:
                matcher.consume_token(token)
                if matcher.is_stopped():  # the answer is complete: nothing may follow
                    new.append(token)
                    break
                forced = list(matcher.compute_ff_tokens())[: max_tokens - len(new) - 1]
                if forced:
                    matcher.consume_tokens(forced)
                step += forced
                stats.forced_tokens += len(forced)
            new += step
            if stop_check is not None and stop_check(new):
                break
            if len(new) >= max_tokens:
                break
            hidden, past = self._forward(step, past, position)
            position += len(step)
            stats.decode_passes += 1
        stats.new_tokens = len(new)
        stats.decode_seconds = time.perf_counter() - start
        return new, stats

    def _eos_ids(self) -> set[int]:
        ids = self.model.generation_config.eos_token_id
        if ids is None:
            ids = self.tokenizer.eos_token_id
        return set(ids if isinstance(ids, list) else [ids])

    def _prefill(self, ids: list[int], stats: DecodeStats) -> tuple[Any, Any]:
        """Run the prompt through the model, resuming from and adding block snapshots."""
        from transformers import DynamicCache

        done, past = (self.cache.longest(ids) if self.reuse_prefix else (0, None))
        stats.reused_tokens = done
        if past is None:
            past = DynamicCache(config=self.model.config)
        cuts = [i + 1 for i in range(done, len(ids) - 1) if ids[i] in self.boundary_ids] \
            if self.reuse_prefix else []
        hidden = None
        for end in [*cuts, len(ids)]:
            hidden, past = self._forward(ids[done:end], past, done)
            done = end
            if end != len(ids):
                self.cache.put(ids[:end], past)
        return past, hidden

    def _forward(self, ids: list[int], past: Any, position: int) -> tuple[Any, Any]:
        """Feed `ids` at `position`; the last hidden state (before the output layer) and the cache."""
        import torch

        with torch.inference_mode():
            input_ids = torch.tensor([ids], dtype=torch.long)
            cache_position = torch.arange(position, position + len(ids), dtype=torch.long)
            out = self.model.model(input_ids=input_ids, use_cache=True, cache_position=cache_position,
                                   **{self._cache_argument: past})
        return out.last_hidden_state[0, -1], past  # the cache object is updated in place

    @cached_property
    def _cache_argument(self) -> str:
        """`cache` (transformers 5) or `past_key_values` (4.x): the name of the cache argument."""
        import inspect

        parameters = inspect.signature(self.model.model.forward).parameters
        return "cache" if "cache" in parameters else "past_key_values"

    def _logits(self, hidden: Any, rows: Any = None) -> Any:
        import torch

        weight = self.model.lm_head.weight
        with torch.inference_mode():
            logits = (weight if rows is None else weight[rows]) @ hidden
            cap = getattr(self.model.config, "final_logit_softcapping", None)
            if cap:
                logits = torch.tanh(logits / cap) * cap
        return logits.float()

    def _choose(self, hidden: Any, matcher: Any, temperature: float, generator: Any,
                eos: set[int]) -> int:
        import torch

        rows = None
        if matcher is not None:
            allowed = self._allowed(matcher)
            rows = allowed if len(allowed) <= RESTRICTED_HEAD_LIMIT else None
        logits = self._logits(hidden, rows)
        if matcher is not None and rows is None:
            mask = torch.full_like(logits, float("-inf"))
            mask[allowed] = 0.0
            logits = logits + mask
        if temperature > 0:
            probs = torch.softmax(logits / temperature, dim=-1)
            index = int(torch.multinomial(probs, 1, generator=generator))
        else:
            index = int(torch.argmax(logits))  # first maximum: the lowest id wins a tie
        return int(rows[index]) if rows is not None else index

    def _allowed(self, matcher: Any) -> Any:
        """The token ids the grammar allows next, ascending."""
        import llguidance.torch
        import torch

        if self._bitmask is None:
            self._bitmask = llguidance.torch.allocate_token_bitmask(1, self._guide_tokenizer.vocab_size)
            self._bit_shifts = torch.arange(32, dtype=torch.int32)
        llguidance.torch.fill_next_token_bitmask(matcher, self._bitmask, 0)
        bits = (self._bitmask[0].unsqueeze(-1) >> self._bit_shifts) & 1
        return torch.nonzero(bits.flatten()[: int(self.model.config.vocab_size)]).flatten()
