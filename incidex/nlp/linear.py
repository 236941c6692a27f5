"""Linear classifiers stored as plain data, for the models ``incidex train`` fits with
scikit-learn (the candidate role classifier, the relevance classifier).

``weights.npy`` holds one row per feature and one column per label (loaded with
``allow_pickle=False``), ``model.json`` the feature names, labels, bias, decision threshold,
a format name and free metadata (the scikit-learn version that trained it). Loading needs
numpy only: no pickle, no scikit-learn version check.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

__all__ = ["LinearModel"]

_MODEL = "model.json"
_WEIGHTS = "weights.npy"


class LinearModel:
    """A multinomial logistic regression over named features (a binary one is two labels
    with the weights in the second column: the softmax of (0, s) is the logistic of s).
    Subclasses name their ``FORMAT``; loading a folder of another format fails."""

    FORMAT: ClassVar[str] = "incidex-linear-1"

    def __init__(
        self,
        vocabulary: list[str],
        labels: list[str],
        weights: np.ndarray,
        bias: np.ndarray,
        threshold: float,
        meta: dict[str, Any] | None = None,
    ) -> None:
        self.index = {name: n for n, name in enumerate(vocabulary)}
        self.labels = labels
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
        self.meta = meta or {}

    def probabilities(self, rows: list[dict[str, float]]) -> np.ndarray:
        """Label probabilities, one row per feature dict (feature name -> value; unknown
        features are ignored)."""
        scores = np.tile(self.bias, (len(rows), 1))
        for n, row in enumerate(rows):
            found = [(self.index[name], value) for name, value in row.items() if name in self.index]
            if found:
                at = [i for i, _ in found]
                values = np.asarray([v for _, v in found], dtype=np.float32)
                # the same sum as for 0/1 features (x 1.0 is exact): results stay identical
                scores[n] += (self.weights[at] * values[:, None]).sum(axis=0)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        result: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return result

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        vocabulary = sorted(self.index, key=self.index.__getitem__)
        np.save(folder / _WEIGHTS, self.weights.astype(np.float32))
        model = {
            "format": self.FORMAT,
            "labels": self.labels,
            "bias": [float(b) for b in self.bias],
            "threshold": self.threshold,
            "vocabulary": vocabulary,
            "meta": self.meta,
        }
        (folder / _MODEL).write_text(json.dumps(model) + "\n")

    @classmethod
    def load(cls, folder: Path) -> Self:
        model = json.loads((folder / _MODEL).read_text())
        if model.get("format") != cls.FORMAT:
            raise ValueError(f"{folder / _MODEL}: format {model.get('format')!r}, not {cls.FORMAT}")
        weights = np.load(folder / _WEIGHTS, allow_pickle=False)
        shape = (len(model["vocabulary"]), len(model["labels"]))
        if weights.shape != shape or len(model["bias"]) != shape[1]:
            # else a mismatch would only fail at the first prediction, as an IndexError
            raise ValueError(f"{folder / _WEIGHTS}: weights {weights.shape}, not {shape}")
        return cls(
            model["vocabulary"],
            model["labels"],
            weights,
            np.asarray(model["bias"], dtype=np.float32),
            float(model["threshold"]),
            model.get("meta"),
        )
