"""Agreement statistics checked against independent implementations (the `krippendorff`
package and scikit-learn, test-only) and textbook values; suggestions across Bokmål, Nynorsk
and English; redaction of personal data."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
import sklearn.metrics as sklearn_metrics

from taxonomy.agreement import agreement_report, cohens_kappa, krippendorff_alpha_nominal
from taxonomy.frameworks import read_codebook, read_demo_inputs
from taxonomy.redact import find_personal_data, redact
from taxonomy.suggest import Example, Suggester, top_k_accuracy


def test_kappa_matches_the_hand_computed_two_by_two_example():
    # 20 both yes, 5 yes/no, 10 no/yes, 15 both no: p_o = 0.7, p_e = 0.5, κ = 0.4.
    a = [1] * 20 + [1] * 5 + [0] * 10 + [0] * 15
    b = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    assert cohens_kappa(a, b) == pytest.approx(0.4)


@pytest.mark.parametrize("seed", range(8))
def test_kappa_agrees_with_scikit_learn(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, 40)
    b = np.where(rng.random(40) < 0.6, a, rng.integers(0, 4, 40))
    assert cohens_kappa(a, b) == pytest.approx(sklearn_metrics.cohen_kappa_score(a, b))


def test_alpha_matches_krippendorffs_published_nominal_example():
    nan = np.nan
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    )
    assert krippendorff_alpha_nominal(data) == pytest.approx(0.743, abs=0.001)


@pytest.mark.parametrize("seed", range(8))
def test_alpha_agrees_with_the_krippendorff_package_with_missing_values(seed):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 3, 30)
    data = np.array(
        [np.where(rng.random(30) < 0.7, truth, rng.integers(0, 3, 30)) for _ in range(3)],
        dtype=float,
    )
    data[rng.random(data.shape) < 0.25] = np.nan
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(data) == pytest.approx(expected)


def test_agreement_report_per_code_and_overall():
    codings = [
        (1, "safety", 10),
        (1, "safety", 20),
        (2, "green", 10),
        (2, "housing", 20),
        (3, "green", 10),
        (3, "green", 20),
        (3, "safety", 20),
        (4, "housing", 10),  # coded once: not in the double-coded sample
    ]
    report = agreement_report(codings, ["safety", "green", "housing"])
    assert (report.items, report.coders) == (3, 2)
    safety = next(r for r in report.per_code if r.code == "safety")
    assert (safety.both, safety.only_first, safety.only_second, safety.neither) == (1, 0, 1, 1)
    assert safety.kappa == pytest.approx(sklearn_metrics.cohen_kappa_score([1, 0, 0], [1, 0, 1]))
    data = np.array([[1, 0, 0, 0, 1, 0, 0, 1, 0], [1, 0, 0, 0, 0, 1, 1, 1, 0]], dtype=float)
    assert report.alpha == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    perfect = agreement_report([(1, "a", 1), (1, "a", 2), (2, "b", 1), (2, "b", 2)], ["a", "b"])
    assert perfect.alpha == pytest.approx(1.0)


def codebook_examples() -> list[Example]:
    examples = []

    def walk(specs):
        for spec in specs:
            for lang in ("nb", "en"):
                examples.append(
                    Example(spec["key"], f"{spec[f'label_{lang}']} {spec[f'definition_{lang}']}")
                )
                examples.extend(Example(spec["key"], e) for e in spec.get(f"examples_{lang}", []))
            walk(spec.get("children", []))

    walk(read_codebook()["codes"])
    return examples


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jeg er redd for å gå hjem alene når det er mørkt", "place.safety"),
        ("Eg er redd når eg går heim åleine i mørkret", "place.safety"),
        ("I am scared walking home alone in the dark", "place.safety"),
        ("Husleia er for høy for oss", "place.housing"),
        ("Ungdommen treng ein stad å vere om kveldane", "community.children_youth"),
        ("Bilene kjører for fort i gata vår", "place.traffic"),
    ],
)
def test_suggestions_find_the_right_code_in_bokmal_nynorsk_and_english(text, expected):
    suggestions = Suggester(codebook_examples()).suggest(text, limit=3)
    assert expected in [s.code for s in suggestions]
    assert all(0 < s.confidence <= 1 for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_coded_items_improve_suggestions_on_held_out_items():
    rows = read_demo_inputs()
    test, train = rows[::4], [r for i, r in enumerate(rows) if i % 4]
    gold = [set(r["codes"].split(";")) for r in test]
    texts = [r["text"] for r in test]
    base = top_k_accuracy(Suggester(codebook_examples()), texts, gold)
    learned = Suggester(
        codebook_examples()
        + [Example(code, r["text"], coded=True) for r in train for code in r["codes"].split(";")]
    )
    accuracy = top_k_accuracy(learned, texts, gold)
    assert accuracy[3] >= 0.7 and accuracy[1] >= 0.45
    assert accuracy[1] + accuracy[3] >= base[1] + base[3]


@pytest.mark.parametrize(
    "text, redacted",
    [
        ("Ring meg på 912 34 567 i kveld", "Ring meg på [phone] i kveld"),
        ("Call +47 41234567 please", "Call [phone] please"),
        ("Skriv til kari.nordmann@example.no", "Skriv til [e-mail]"),
        ("Jeg heter Ola Hansen og bor her", "Jeg heter [name] og bor her"),
        ("Det er mørkt. Kari Nordmann sa det også", "Det er mørkt. [name] sa det også"),
        ("Hilsen Anne", "Hilsen [name]"),
        ("My name is Sara Ali", "My name is [name]"),
    ],
)
def test_personal_data_is_replaced(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Mer lys i Innherredsveien ved Lademoen kirke",
        "Husleia økte 30 prosent i 2024",
        "Møllenbergdagen bør bli årlig",
        "Bussen går kl 0730 og 1615",
    ],
)
def test_places_years_and_ordinary_numbers_are_left_alone(text):
    assert find_personal_data(text) == []
