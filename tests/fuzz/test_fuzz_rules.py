"""The rule engine under every profile: random entries built from the profile's own vocabularies,
with omissions and wrong types, always end in clean values or field errors in Chinese."""
from __future__ import annotations

from factories import uscc
from fuzzing import EXAMPLES, HOSTILE, chinese, fuzz
from hypothesis import given
from hypothesis import strategies as st

from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS
from registry.catalog.validation import validate_entry, vocabulary
from registry.core.errors import FieldError
from registry.orgs.models import Organisation
from registry.profiles import available_profiles, load_profile

PROFILES = {name: load_profile(name) for name in available_profiles()}
# A transient organisation: validation accepts one as the provider without a database.
PROVIDER = Organisation(code=uscc(1), name="南阳市市场监督管理局", level=None)
WRONG_TYPES = st.one_of(st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
                        st.just(object()), st.binary(max_size=8), st.tuples(st.integers()))


def _vocab_words(profile, spec) -> list[str]:
    vocab = vocabulary(profile, spec.vocab or spec.key)
    return [w for t in vocab.terms for w in (t.value, t.label, *t.synonyms)] or ["-"]


def value_for(profile, spec):
    """Mostly plausible values (the profile's vocabulary in any spelling), sometimes hostile or of a wrong type."""
    plausible = {
        "vocab": lambda: st.sampled_from(_vocab_words(profile, spec)),
        "bool": lambda: st.sampled_from([True, False, "是", "否", "Y", "n"]),
        "int": lambda: st.integers(-5, 10**10), "float": lambda: st.one_of(st.floats(-1, 1e16), st.just(float("nan"))),
        "date": lambda: st.one_of(st.dates(), st.sampled_from(["2024-03-01", "2024年3月1日", "20240301", 45292])),
        "list": lambda: st.lists(st.text(max_size=6), max_size=3), "org": lambda: st.just(PROVIDER),
    }.get(spec.kind, lambda: st.text(max_size=20))()
    return st.one_of(plausible, plausible, plausible, HOSTILE, WRONG_TYPES)


@st.composite
def entries(draw):
    name = draw(st.sampled_from(sorted(PROFILES)))
    profile = PROFILES[name]
    data = {spec.key: draw(value_for(profile, spec)) for spec in ITEM_ELEMENTS if draw(st.integers(0, 4))}  # ~1 in 5 omitted
    if draw(st.booleans()):
        data["provider"] = PROVIDER
    fields = []
    for _ in range(draw(st.integers(0, 4))):
        fields.append({spec.key: draw(value_for(profile, spec)) for spec in FIELD_ELEMENTS if draw(st.integers(0, 2))})
    if draw(st.integers(0, 5)):
        data["fields"] = fields
    if not draw(st.integers(0, 9)):
        data[draw(st.text(min_size=1, max_size=8))] = draw(HOSTILE)  # an element that does not exist
    return name, data


@fuzz(12)
@given(case=entries())
def test_random_entries_end_in_clean_values_or_field_errors(case):
    name, data = case
    EXAMPLES[f"rule engine ({name})"] += 1
    profile = PROFILES[name]
    entry = validate_entry(data, profile, None)
    for error in entry.errors:
        assert isinstance(error, FieldError) and error.field, error
        assert chinese(error.message) or chinese(error.label), error
    if entry.ok:  # clean values are canonical: vocabulary codes, the provider, typed fields
        assert entry.item["provider"] is PROVIDER
        for spec in ITEM_ELEMENTS:
            if spec.kind == "vocab" and entry.item.get(spec.key) is not None:
                assert entry.item[spec.key] in vocabulary(profile, spec.vocab or spec.key).values
        assert [f["position"] for f in entry.fields] == list(range(1, len(entry.fields) + 1))
