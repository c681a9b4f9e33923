"""Locale selection: ``?lang=`` first, then the language cookie, then Accept-Language, then Bokmål."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request
from flask_babel import get_locale

LANG_COOKIE = "tinget_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def supported() -> dict[str, dict]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    languages = supported()
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    best = request.accept_languages.best_match(list(languages))
    # Browsers often send plain "no" for Norwegian; Bokmål is the written standard most use.
    if best is None and request.accept_languages.best_match(["no", "nn"]):
        best = "nb"
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_choice(response):
    """Keep a language picked with ``?lang=`` for the following pages."""
    chosen = request.args.get("lang")
    if chosen in supported():
        response.set_cookie(
            LANG_COOKIE,
            chosen,
            max_age=LANG_COOKIE_MAX_AGE,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction() -> str:
    return supported().get(current_language(), {}).get("dir", "ltr")


def language_links() -> list[dict]:
    """One link per language to the current page, keeping its other query arguments."""
    links = []
    for code, info in supported().items():
        args = request.args.to_dict(flat=False)
        args["lang"] = [code]
        query = urlencode(args, doseq=True)
        links.append(
            {
                "code": code,
                "name": info["name"],
                "dir": info["dir"],
                "url": f"{request.path}?{query}",
                "current": code == current_language(),
            }
        )
    return links
