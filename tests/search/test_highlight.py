"""Highlighting maps matches in the folded text back onto the original characters."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from registry.search import highlight


def folded_char_by_char(text: str) -> tuple[str, list[int]]:
    """The definition: fold each character on its own and remember where it came from."""
    out, where = [], []
    for index, char in enumerate(text):
        folded = unicodedata.normalize("NFKC", char).lower()
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


@given(st.text(alphabet=st.sampled_from("企业登记ＡＢＣabcİIﬁ①㈱ｶﾞ Σσς\u0301e\u00e9\u2126Ωx")))
def test_the_shortcut_for_folded_texts_agrees_with_folding_each_character(text):
    norm, where = highlight._normalised_with_map(text)
    expected_norm, expected_where = folded_char_by_char(text)
    assert (norm, list(where)) == (expected_norm, expected_where)


TEXTS = st.text(alphabet=st.sampled_from("企业登记ＡＢＣabcİIﬁ①㈱ｶﾞ\nΣσς\u0301e\u00e9Ωx"), max_size=8)


@given(st.lists(TEXTS, max_size=6), st.lists(TEXTS, max_size=3))
def test_texts_containing_a_term_are_those_with_spans(texts, terms):
    """The joined pre-check only rules texts out: a term met across two joined texts changes nothing."""
    assert highlight.containing(texts, terms) == [text for text in texts if highlight.spans(text, terms)]


def test_marks_land_on_the_original_characters():
    assert highlight.mark("ＡＢＣ企业登记 abc", ["abc", "企业"]) == "<mark>ＡＢＣ企业</mark>登记 <mark>abc</mark>"
    assert highlight.mark("企业<登记>信息", ["登记"]) == "企业&lt;<mark>登记</mark>&gt;信息"
    assert highlight.mark("人口信息", ["企业"]) is None
