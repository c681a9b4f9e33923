"""Inter-coder agreement in numpy: Cohen's κ for two coders (per code, over a double-coded
sample) and Krippendorff's α for nominal data with any number of coders and missing values.

Both take plain arrays; :func:`agreement_report` builds them from (item, code, coder) triples."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


def cohens_kappa(a: Iterable, b: Iterable) -> float:
    """κ = (p_o − p_e) / (1 − p_e) for two raters' labels of the same units.

    Returns nan when the expected agreement is 1 (both raters used one and the same label)."""
    a = np.asarray(list(a))
    b = np.asarray(list(b))
    if a.shape != b.shape or a.size == 0:
        raise ValueError("two equally long, non-empty label sequences are needed")
    labels, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inverse[: a.size], inverse[a.size :]
    table = np.zeros((labels.size, labels.size))
    np.add.at(table, (ia, ib), 1)
    table /= a.size
    observed = np.trace(table)
    expected = float(table.sum(axis=1) @ table.sum(axis=0))
    if np.isclose(expected, 1.0):
        return float("nan")
    return float((observed - expected) / (1 - expected))


def krippendorff_alpha_nominal(data: np.ndarray) -> float:
    """α for nominal data. ``data`` is coders × units with ``nan`` for missing values.

    Units with fewer than two values are not pairable and are left out (Krippendorff 2011)."""
    data = np.asarray(data, dtype=float)
    values = np.unique(data[~np.isnan(data)])
    if values.size == 0:
        return float("nan")
    # counts[u, v]: how many coders gave unit u the value v.
    counts = np.stack([(data == v).sum(axis=0) for v in values], axis=1).astype(float)
    m_u = counts.sum(axis=1)
    pairable = m_u >= 2
    counts, m_u = counts[pairable], m_u[pairable]
    if counts.size == 0:
        return float("nan")
    # Coincidence matrix o[c, k] = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1).
    weighted = counts / (m_u - 1)[:, None]
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidences.sum(axis=1)
    n = n_c.sum()
    if n <= 1:
        return float("nan")
    observed_disagreement = coincidences.sum() - np.trace(coincidences)
    expected_disagreement = (n_c.sum() ** 2 - (n_c**2).sum()) / (n - 1)
    if expected_disagreement == 0:
        return float("nan")
    return float(1 - observed_disagreement / expected_disagreement)


@dataclass
class CodeAgreement:
    code: str
    kappa: float
    both: int
    only_first: int
    only_second: int
    neither: int

    @property
    def percent(self) -> float:
        total = self.both + self.only_first + self.only_second + self.neither
        return (self.both + self.neither) / total if total else float("nan")


@dataclass
class AgreementReport:
    items: int
    coders: int
    alpha: float
    per_code: list[CodeAgreement] = field(default_factory=list)


def agreement_report(
    codings: Iterable[tuple[int, str, int]], codes: list[str] | None = None
) -> AgreementReport:
    """Agreement over items coded by at least two coders.

    ``codings`` are (item, code, coder) triples; the first two coders of each item (in coder-id
    order) are "first" and "second" for κ; α uses every coder. Each (item, code) pair is a unit
    whose value is 1 when a coder applied the code and 0 when that coder coded the item without
    it."""
    by_item: dict[int, dict[int, set[str]]] = {}
    for item, code, coder in codings:
        by_item.setdefault(item, {}).setdefault(coder, set()).add(code)
    double = {item: coders for item, coders in by_item.items() if len(coders) >= 2}
    all_codes = sorted(codes if codes is not None else {c for _, c, _ in codings})
    all_coders = sorted({coder for coders in double.values() for coder in coders})
    if not double or not all_codes:
        return AgreementReport(items=len(double), coders=len(all_coders), alpha=float("nan"))
    coder_row = {coder: i for i, coder in enumerate(all_coders)}
    items = sorted(double)
    data = np.full((len(all_coders), len(items) * len(all_codes)), np.nan)
    for u_item, item in enumerate(items):
        for coder, applied in double[item].items():
            for u_code, code in enumerate(all_codes):
                data[coder_row[coder], u_item * len(all_codes) + u_code] = code in applied
    per_code = []
    for code in all_codes:
        first, second = [], []
        for item in items:
            a, b = sorted(double[item])[:2]
            first.append(code in double[item][a])
            second.append(code in double[item][b])
        f, s = np.array(first), np.array(second)
        per_code.append(
            CodeAgreement(
                code=code,
                kappa=cohens_kappa(f, s),
                both=int((f & s).sum()),
                only_first=int((f & ~s).sum()),
                only_second=int((~f & s).sum()),
                neither=int((~f & ~s).sum()),
            )
        )
    return AgreementReport(
        items=len(items),
        coders=len(all_coders),
        alpha=krippendorff_alpha_nominal(data),
        per_code=per_code,
    )
