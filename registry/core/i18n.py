"""The interface language: Chinese by default, English on request.

Messages are written in Chinese and are their own msgids. Labels that live in
Python data (enum labels, element labels, level and tag names) stay Chinese
values — validation, importers and the Excel templates match on them — and are
only marked for extraction with :func:`N_`; screens translate them when they
render (:func:`translate`, the ``tr`` template filter). Outside a web request
(the CLI, importers) :func:`translate` returns the Chinese text unchanged.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Locale codes by the short name used in ``?lang=`` and the cookie.
#: Chinese is "zh_Hans_CN" so that Flask-Admin's own catalogue applies.
LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
DEFAULT_LANG = "zh"
LANG_COOKIE = "mulu_lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
#: The ``<html lang>`` value per short name.
HTML_LANG = {"zh": "zh-CN", "en": "en"}

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:
    """Mark a Chinese label for extraction without translating it (it is translated where it is shown)."""
    return message


def translate(message):
    """``message`` in the request's language; unchanged outside a request, or when it is not a non-empty string."""
    if not message or not isinstance(message, str):
        return message
    from flask import has_request_context

    if not has_request_context():
        return message
    from flask_babel import gettext

    return gettext(message)


def current_lang() -> str:
    """The short name ("zh" or "en") of the language of the current request."""
    from flask import g, has_request_context, request

    if not has_request_context():
        return DEFAULT_LANG
    chosen = g.get("mulu_lang_chosen")
    if chosen in LOCALES:
        return chosen
    cookie = request.cookies.get(LANG_COOKIE)
    return cookie if cookie in LOCALES else DEFAULT_LANG


def compile_translations(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile each ``messages.po`` whose ``.mo`` is missing or older; returns the files written.

    A read-only installation with up-to-date ``.mo`` files is left alone.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=po_path.parent.parent.name)
        tmp = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")  # parallel processes never share a file
        try:
            with tmp.open("wb") as mo:
                write_mo(mo, catalog)
            tmp.replace(mo_path)
        except OSError:  # a read-only installation: use whatever .mo it shipped
            tmp.unlink(missing_ok=True)
            continue
        written.append(mo_path)
    return written
