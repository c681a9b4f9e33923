"""Finding and hiding personal data in residents' free text: e-mail addresses, phone numbers
and names (introduced by phrases such as "jeg heter", "my name is", "hilsen", or written as
two or three capitalised words in a row inside a sentence). Quotes shown anywhere outside the
coding view go through :func:`redact`."""

from __future__ import annotations

import re
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Norwegian numbers (8 digits, optionally +47/0047, grouped by spaces, dots or hyphens) and
# other international numbers with at least 8 digits.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\d{1,3}[\s.-]?)?\d(?:[\s.-]?\d){7,11}(?!\w)")
NAME_WORD = r"[A-ZÆØÅÄÖÜÉ][a-zæøåäöüéè]+(?:-[A-ZÆØÅ][a-zæøåäöüéè]+)?"
INTRODUCED_NAME = re.compile(
    r"(?i:\b(?:jeg heter|eg heiter|eg heter|mitt navn er|navnet mitt er|my name is|i am called"
    r"|hilsen|helsing|mvh|vennlig hilsen|regards|kontakt|ring|spør etter|ask for)\s+)"
    rf"({NAME_WORD}(?:\s+{NAME_WORD}){{0,2}})"
)
NAME_SEQUENCE = re.compile(rf"\b({NAME_WORD}(?:[ \t]+{NAME_WORD}){{1,2}})\b")

#: Capitalised words that are not names of people: places, organisations and days.
NOT_NAMES = {
    "lademoen",
    "møllenberg",
    "tempe",
    "sorgenfri",
    "tempe-sorgenfri",
    "buran",
    "lilleby",
    "nyhavna",
    "svartlamon",
    "rosenborg",
    "trondheim",
    "saupstad",
    "kolstad",
    "nav",
    "nidelva",
    "innherredsveien",
    "nonnegata",
    "bakklandet",
    "norge",
    "norway",
    "oslo",
    "kirkens",
    "bymisjon",
    "husbanken",
    "ungdata",
    "møllenbergdagen",
    "lamotreff",
    "the",
    "i",
    "we",
    "my",
    "our",
    "det",
    "dette",
    "vi",
    "jeg",
    "eg",
    "en",
    "et",
    "ein",
    "ei",
    "de",
    "dei",
    "mange",
    "hei",
    "god",
    "takk",
    "hilsen",
    "helsing",
    "mvh",
    "kontakt",
    "ring",
    "regards",
    "please",
    "thanks",
    "hello",
    "dear",
    "kjære",
}

PLACEHOLDERS = {"email": "[e-mail]", "phone": "[phone]", "name": "[name]"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _is_place(words: str) -> bool:
    return any(word.lower() in NOT_NAMES for word in re.split(r"\s+", words))


def find_personal_data(text: str) -> list[Finding]:
    """Spans of likely personal data, sorted and without overlaps."""
    found: list[Finding] = []
    for match in EMAIL.finditer(text):
        found.append(Finding("email", match.start(), match.end()))
    for match in PHONE.finditer(text):
        found.append(Finding("phone", match.start(), match.end()))
    for match in INTRODUCED_NAME.finditer(text):
        if not _is_place(match.group(1)):
            found.append(Finding("name", match.start(1), match.end(1)))
    for match in NAME_SEQUENCE.finditer(text):
        start = match.start(1)
        words = match.group(1).split()
        # "Hei Per Olsen": leading greetings and sentence starters are not part of the name.
        while words and words[0].lower() in NOT_NAMES:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else match.end(1)
            words = words[1:]
        if len(words) >= 2 and not _is_place(" ".join(words)):
            found.append(Finding("name", start, match.end(1)))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    merged: list[Finding] = []
    for finding in found:
        if merged and finding.start < merged[-1].end:
            continue
        merged.append(finding)
    return merged


def redact(text: str, placeholders: dict[str, str] | None = None) -> str:
    """The text with every finding replaced by a placeholder such as ``[name]``."""
    labels = {**PLACEHOLDERS, **(placeholders or {})}
    pieces: list[str] = []
    position = 0
    for finding in find_personal_data(text):
        pieces.append(text[position : finding.start])
        pieces.append(labels[finding.kind])
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)
