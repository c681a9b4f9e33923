"""Code suggestions for new input: TF-IDF over words, word pairs and character n-grams
(scipy.sparse), compared with each code's profile (label, definition, include note, examples)
and with items coders have already coded. Character n-grams make Bokmål, Nynorsk and English
spelling variants ("ungdom"/"ungdommar", "trygg"/"utrygg") meet. Pure: no Flask, no database.

A suggestion is only ever shown to a coder, who confirms it or not."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

_STOPWORDS_TEXT = (
    "og i på er det som en et ei til av for med at de den har ikke jeg vi om så men fra eller "
    "kan skal vil var blir bli må mer meg oss seg sin sitt sine hva når der her også bare alle "
    "eg ikkje me dei kva kor berre meir vere vore ein eit noko nokon mykje frå sjølv "
    "the a an and or of to in on at for is are be with we i it this that there not our my you "
    "they them have has can should would more no"
)
STOPWORDS = set(_STOPWORDS_TEXT.split())
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def features(text: str) -> Counter[str]:
    """Word, word-pair and character 3–5-gram counts of a text."""
    words = WORD.findall(normalise(text))
    counts: Counter[str] = Counter()
    content = [w for w in words if w not in STOPWORDS and len(w) > 1]
    for word in content:
        counts["w:" + word] += 1
    for first, second in zip(content, content[1:], strict=False):
        counts[f"b:{first}_{second}"] += 1
    for word in content:
        padded = f" {word} "
        for n in (3, 4, 5):
            for i in range(len(padded) - n + 1):
                counts["c:" + padded[i : i + n]] += 1
    return counts


class Vectoriser:
    """Sublinear TF × smoothed IDF, rows L2-normalised, fitted on a list of texts."""

    def __init__(self, texts: list[str]) -> None:
        self.vocabulary: dict[str, int] = {}
        bags = [features(t) for t in texts]
        document_frequency: Counter[str] = Counter()
        for bag in bags:
            document_frequency.update(bag.keys())
        for term in sorted(document_frequency):
            self.vocabulary[term] = len(self.vocabulary)
        n = len(texts)
        self.idf = np.ones(len(self.vocabulary))
        for term, index in self.vocabulary.items():
            self.idf[index] = math.log((1 + n) / (1 + document_frequency[term])) + 1.0
        self.matrix = self._rows(bags)

    def _rows(self, bags: list[Counter[str]]) -> sparse.csr_matrix:
        rows, cols, values = [], [], []
        for row, bag in enumerate(bags):
            for term, count in bag.items():
                index = self.vocabulary.get(term)
                if index is not None:
                    rows.append(row)
                    cols.append(index)
                    values.append((1.0 + math.log(count)) * self.idf[index])
        matrix = sparse.csr_matrix(
            (values, (rows, cols)), shape=(len(bags), len(self.vocabulary)), dtype=float
        )
        return _l2_normalise(matrix)

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        return self._rows([features(t) for t in texts])


def _l2_normalise(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix)


@dataclass(frozen=True)
class Example:
    """A text known to belong to a code: from the codebook or from a confirmed coding."""

    code: str
    text: str
    coded: bool = False


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    confidence: float


class Suggester:
    """Ranks codes for a text by similarity to each code's centroid and to its nearest example."""

    def __init__(self, examples: Iterable[Example], temperature: float = 0.05) -> None:
        self.examples = [e for e in examples if e.text.strip()]
        if not self.examples:
            raise ValueError("no examples to learn from")
        self.codes = sorted({e.code for e in self.examples})
        self.temperature = temperature
        self.vectoriser = Vectoriser([e.text for e in self.examples])
        index = {code: i for i, code in enumerate(self.codes)}
        membership = sparse.csr_matrix(
            (
                np.ones(len(self.examples)),
                ([index[e.code] for e in self.examples], range(len(self.examples))),
            ),
            shape=(len(self.codes), len(self.examples)),
        )
        self.membership = membership
        self.centroids = _l2_normalise(sparse.csr_matrix(membership @ self.vectoriser.matrix))

    def scores(self, texts: list[str]) -> np.ndarray:
        """A (texts × codes) array of scores in [0, 1]."""
        vectors = self.vectoriser.transform(texts)
        centroid = (vectors @ self.centroids.T).toarray()
        similarity = (vectors @ self.vectoriser.matrix.T).toarray()
        nearest = np.zeros_like(centroid)
        for j in range(len(self.codes)):
            members = self.membership.getrow(j).indices
            nearest[:, j] = similarity[:, members].max(axis=1)
        return 0.5 * centroid + 0.5 * nearest

    def suggest(self, text: str, limit: int = 5) -> list[Suggestion]:
        return self.suggest_many([text], limit)[0]

    def suggest_many(self, texts: list[str], limit: int = 5) -> list[list[Suggestion]]:
        all_scores = self.scores(texts)
        results = []
        for row in all_scores:
            if not row.any():
                results.append([])
                continue
            weights = np.exp((row - row.max()) / self.temperature)
            confidence = weights / weights.sum()
            order = np.argsort(-row, kind="stable")[:limit]
            results.append(
                [
                    Suggestion(self.codes[j], float(row[j]), float(confidence[j]))
                    for j in order
                    if row[j] > 0
                ]
            )
        return results


def top_k_accuracy(
    suggester: Suggester, texts: list[str], gold: list[set[str]], ks: tuple[int, ...] = (1, 3)
) -> dict[int, float]:
    """Share of texts whose top-k suggestions contain at least one of their gold codes."""
    ranked = suggester.suggest_many(texts, limit=max(ks))
    return {
        k: float(
            np.mean([bool({s.code for s in r[:k]} & g) for r, g in zip(ranked, gold, strict=True)])
        )
        for k in ks
    }
