"""Words facilitators often use for quota categories and their values, with translations.

Categories and values are typed by staff (usually in Norwegian) and stored as typed: they are
the keys of quotas, register columns and the lottery record. A resident reading the sign-up
form in Arabic or Polish should still understand "kjønn: kvinne", so the form shows the
translation of a known word and the typed text otherwise (place names, age ranges)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

_GENDER = _l("Gender")
_AGE = _l("Age")
_EDUCATION = _l("Education")
_AREA = _l("Area")
_WOMAN = _l("Woman")
_MAN = _l("Man")
_OTHER = _l("Other")
_NON_BINARY = _l("Non-binary")

KNOWN_TERMS = {
    "kjønn": _GENDER,
    "kjonn": _GENDER,
    "gender": _GENDER,
    "alder": _AGE,
    "aldersgruppe": _AGE,
    "age": _AGE,
    "utdanning": _EDUCATION,
    "education": _EDUCATION,
    "område": _AREA,
    "omrade": _AREA,
    "delområde": _AREA,
    "area": _AREA,
    "kvinne": _WOMAN,
    "kvinner": _WOMAN,
    "female": _WOMAN,
    "woman": _WOMAN,
    "mann": _MAN,
    "menn": _MAN,
    "male": _MAN,
    "man": _MAN,
    "annet": _OTHER,
    "other": _OTHER,
    "ikke-binær": _NON_BINARY,
    "non-binary": _NON_BINARY,
    "grunnskole": _l("Primary and lower secondary school"),
    "videregående": _l("Upper secondary school"),
    "fagskole": _l("Vocational college"),
    "høyere": _l("University or university college"),
    "høyere utdanning": _l("University or university college"),
    "universitet/høgskole": _l("University or university college"),
}


def term_label(text: str) -> str:
    """The resident's-language word for a category or value a facilitator typed, if known."""
    known = KNOWN_TERMS.get(text.strip().lower())
    return str(known) if known is not None else text
