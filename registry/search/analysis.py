"""Text analysis shared by both backends: normalisation, character bigrams and jieba words.

Two paths, because neither alone is trustworthy (DESIGN.md, "Recall of jieba
tokens"): jieba never emits tokens such as 建设工程 or 社会保障卡, so a
word index misses them, while character n-grams find every substring but
carry no notion of a word. Matching therefore uses character bigrams (every
substring a user types is found, two-character words included) and ranking
adds a bonus where the query is also a jieba word of the text.

jieba's dictionary takes ≈0.6 s to load, so it is loaded on first use, never
at import: ``mulu --help`` and most tests never pay for it.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: Marks the last character of a run, so a one-character query can match it as a prefix.
END = "\x00"

# Runs of characters worth indexing: CJK ideographs, letters and digits. Everything
# else (spaces, punctuation, brackets) separates runs, so bigrams never span them.
_RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")

_jieba_lock = threading.Lock()
_jieba = None


def normalise(text: str | None) -> str:
    """Fold full-width forms and case, the same way for documents and queries."""
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str | None) -> list[str]:
    """The indexable runs of ``text`` after normalisation (``注册资本（万元）`` → 注册资本, 万元)."""
    return _RUN.findall(normalise(text))


def run_bigrams(run: str) -> list[str]:
    """Bigrams of one run plus its last character marked with :data:`END`."""
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1] + END]


@lru_cache(maxsize=50_000)
def _text_bigrams(text: str) -> frozenset[str]:
    grams: set[str] = set()
    for run in runs(text):
        grams.update(run_bigrams(run))
    return frozenset(grams)


def bigrams(texts: Iterable[str | None]) -> set[str]:
    """Every distinct bigram of the texts; cached per text, since field names repeat across thousands of items."""
    grams: set[str] = set()
    for text in texts:
        if text:
            grams |= _text_bigrams(text) if len(text) <= 64 else _uncached_bigrams(text)
    return grams


def _uncached_bigrams(text: str) -> frozenset[str]:
    return _text_bigrams.__wrapped__(text)


def query_bigrams(text: str) -> list[frozenset[str]]:
    """For a query chunk, the bigram sets that must all be present, one per run.

    A one-character run cannot form a bigram; it is returned as a one-character
    set and matched as a prefix by the backend.
    """
    out = []
    for run in runs(text):
        out.append(frozenset([run]) if len(run) == 1 else frozenset(run[i:i + 2] for i in range(len(run) - 1)))
    return out


# -- jieba words ------------------------------------------------------------------

def _tokenizer():
    """jieba's default tokenizer, initialised once per process on first use."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba.dt
    return _jieba


def warm_up() -> None:
    """Load jieba's dictionary now (before forking index workers, or at server start)."""
    _tokenizer()


def _keep(token: str) -> bool:
    return len(token) >= 2 and _RUN.fullmatch(token) is not None


@lru_cache(maxsize=50_000)
def _text_words(text: str) -> frozenset[str]:
    return frozenset(_segment(text))


def _segment(text: str) -> list[str]:
    tokenizer = _tokenizer()
    out: list[str] = []
    for run in runs(text):
        out.extend(t for t in tokenizer.cut_for_search(run, HMM=False) if _keep(t))
    return out


def words(texts: Iterable[str | None]) -> set[str]:
    """Distinct jieba search-mode words of the texts (two characters or more)."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= _text_words(text) if len(text) <= 64 else set(_segment(text))
    return found


def query_words(text: str) -> list[str]:
    """The query's jieba words in order, duplicates removed."""
    return list(dict.fromkeys(_segment(text)))
