"""The fixed lists the taxonomy uses: input channels, age bands and input languages, with
translated labels (lazy, so they follow the reader's language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Channels residents' input arrives through (seeds 003:2697, 000:364 and the platform itself).
CHANNELS: dict[str, object] = {
    "qr_poster": _l("QR poster"),
    "web": _l("Web form"),
    "wish_tree": _l("Wish tree"),
    # The public form printed on paper (issue 8), for residents without a phone or web access.
    "paper_form": _l("Paper form"),
    "workshop": _l("Workshop"),
    "input_meeting": _l("Input meeting"),
    "popup_office": _l("Pop-up office"),
    "public_meeting": _l("Open meeting"),
    "panel": _l("Citizens' panel"),
    "budget_proposal": _l("Budget proposal"),
    "budget_comment": _l("Budget comment"),
    "evaluation": _l("Project feedback"),
    "survey": _l("Survey"),
    "social_media": _l("Social media"),
    "other": _l("Other"),
}

#: Optional age bands, aligned with the age groups of the indicator framework (003 appendix 4).
AGE_BANDS: dict[str, object] = {
    "0-12": _l("Under 13"),
    "13-19": _l("13–19"),
    "20-44": _l("20–44"),
    "45-66": _l("45–66"),
    "67+": _l("67 or older"),
}

#: Languages an item can be written in (names in the language itself, as residents know them).
INPUT_LANGUAGES: dict[str, str] = {
    "nb": "Norsk bokmål",
    "nn": "Norsk nynorsk",
    "en": "English",
    "ar": "العربية",
    "so": "Soomaali",
    "ti": "ትግርኛ",
    "pl": "Polski",
    "uk": "Українська",
    "other": "…",
}

FRAMEWORKS: dict[str, object] = {
    "programme": _l("Programme goals and focus areas"),
    "marmot": _l("Marmot principles A–H"),
    "public_values": _l("Indicators for public values by age group"),
    "sdg": _l("UN Sustainable Development Goals"),
    "local": _l("Local indicators"),
}

INDICATOR_KINDS: dict[str, object] = {
    "goal_set": _l("Goals"),
    "goal": _l("Goal"),
    "focus_area_set": _l("Focus areas"),
    "focus_area": _l("Focus area"),
    "sub_area": _l("Sub-area"),
    "principle": _l("Principle"),
    "framework": _l("Framework"),
    "age_group": _l("Age group"),
    "process": _l("Process indicator"),
    "short_term": _l("Short-term outcome"),
    "long_term": _l("Long-term effect"),
    "data_source": _l("Data source"),
    "sdg_goal": _l("SDG goal"),
    "sdg_target": _l("SDG target"),
    "sdg_indicator": _l("SDG indicator"),
    "local": _l("Local indicator"),
}


def label(mapping: dict, key: str | None) -> str:
    if key is None or key == "":
        return ""
    return str(mapping.get(key, key))
