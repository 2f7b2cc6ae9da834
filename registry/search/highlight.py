"""Marking the matched passages of a result, the same way for both backends.

Matching is by substring, so highlighting is too: every occurrence of a
query term (or of a synonym that matched) in the normalised text is wrapped
in ``<mark>``, mapped back onto the original characters. Output is HTML with
everything else escaped, ready for a template's ``|safe`` or an API client.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

#: Characters of context kept either side of the first match in long texts.
CONTEXT = 60
MAX_FIELDS = 6


class _Folds(dict):
    """Character code → the character folded on its own (NFKC, lower case), filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = unicodedata.normalize("NFKC", chr(code)).lower()
        return folded


_FOLDS = _Folds()


def _normalised_with_map(text: str) -> tuple[str, Sequence[int]]:
    """The normalised text and, for each of its characters, the index of the original character."""
    norm = text.translate(_FOLDS)
    # No character folds to nothing, so the same length means each folded to one: the map is the identity.
    # (Folding character by character in Python was 40% of a search's time.)
    if len(norm) == len(text):
        return norm, range(len(text))
    where: list[int] = []
    for index, char in enumerate(text):
        where.extend([index] * len(_FOLDS[ord(char)]))
    return norm, where


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of the original text where any term occurs."""
    if not text or not terms:
        return []
    norm, where = _normalised_with_map(text)
    found: list[tuple[int, int]] = []
    for term in {t for t in terms if t}:
        start = norm.find(term)
        while start >= 0:
            found.append((where[start], where[start + len(term) - 1] + 1))
            start = norm.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, terms: list[str], context: int | None = None) -> str | None:
    """``text`` as HTML with matches marked, or ``None`` when nothing matched.

    With ``context``, a long text is cut to that many characters around the first match.
    """
    found = spans(text, terms)
    if not found:
        return None
    begin, finish = 0, len(text)
    if context is not None and len(text) > 2 * context:
        begin = max(0, found[0][0] - context // 2)
        finish = min(len(text), begin + 2 * context)
    parts, cursor = [], begin
    for start, end in found:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, begin), min(end, finish)
        parts.append(escape(text[cursor:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    parts.append(escape(text[cursor:finish]))
    return ("…" if begin else "") + "".join(parts) + ("…" if finish < len(text) else "")


def containing(texts: list[str], terms: list[str]) -> list[str]:
    """The texts in which a term occurs, as :func:`spans` finds them.

    An item has dozens of field names and descriptions and few hold a term: one fold of them all,
    joined, rules most items' lists out at once (matching each apart was half a cached search's CPU).
    """
    wanted = {t for t in terms if t}
    if not texts or not wanted:
        return []
    joined = "\n".join(texts).translate(_FOLDS)  # folding is per character: each text folds as it would alone
    if not any(t in joined for t in wanted):
        return []
    return [text for text in texts if any(t in text.translate(_FOLDS) for t in wanted)]


def highlight_doc(stored: dict, terms: list[str]) -> tuple[dict[str, object], list[str]]:
    """Highlights of one stored document, and the field names that contain a term."""
    out: dict[str, object] = {}
    for key, context in (("name", None), ("summary", CONTEXT), ("provider", None)):
        marked = mark(stored.get(key) or "", terms, context)
        if marked:
            out[key] = marked
    matched = containing(stored.get("fields", []), terms)
    if matched:
        out["fields"] = [mark(name, terms) for name in matched[:MAX_FIELDS]]
    tags = [mark(tag, terms) for tag in containing(stored.get("tags", []), terms)]
    if tags:
        out["tags"] = tags
    descriptions = [mark(d, terms, CONTEXT) for d in containing(stored.get("field_descriptions", []), terms)]
    if descriptions:
        out["field_descriptions"] = descriptions[:MAX_FIELDS]
    return out, matched
