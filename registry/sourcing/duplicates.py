"""一数一源: published items of different departments that collect the same data.

The regulations want each kind of data collected once, by the department the
city's review designates (nanyang §24, binzhou §9, fuzhou_jx §11). This module
finds the candidates; :mod:`registry.sourcing.operations` records the designation.

What is compared
    Published items (published, change_pending) whose providers are different
    *departments* — an internal unit's items count as its department's — of the
    same government: city departments among themselves, and the departments of
    one county among themselves. A county bureau keeping the same data as its
    city counterpart is the normal vertical line (the county collects, the city
    aggregates), not duplicate collection, so departments of different levels
    or counties are never paired.

When two items hold the same data
    Each field gets a key (:func:`registry.sourcing.names.field_key`: folded,
    without units, synonyms merged) and a weight: the key's inverse document
    frequency over the departments of the published catalog, ``ln((D + 1) / d)``
    when ``d`` of the ``D`` departments keep it. A document is a department's
    catalog, not an item, because the question is whether several *departments*
    collect the data: a field nearly every department keeps (姓名, 备注, 创建时间,
    a person's 文化程度) says nothing, one only two keep (残疾类别) says much, and
    one department's many similar items cannot make its own fields look common.
    Fields on the curated generic list never weigh more than
    :data:`GENERIC_WEIGHT`, so a small catalog cannot make them look rare. The
    subject key — the field identifying the item's subjects: 公民身份号码 for data
    about natural persons, 统一社会信用代码 about legal persons (the primary key
    first), a primary-key identifier of either kind for other data — becomes the
    key ``#citizen_id``/``#uscc`` whatever it is called.

    Items whose subjects are of different kinds (persons, legal persons,
    neither) never hold the same data, nor do items one of whose names begins
    with the other's head and goes on (残疾人就业 / 持证残疾人: other data about the
    same subjects, :func:`registry.sourcing.names.other_aspect`). Otherwise two
    items are linked

    - on their names: the name keys are equal or one ends with the other
      (持证残疾人 / 残疾人), and at least :data:`COVERAGE_WITH_NAME` of the smaller
      item's field keys are the other's too — the fields confirm the names;
    - or on their fields alone: the weighted Dice coefficient of their key sets
      (twice the weight they share over both weights) reaches
      :data:`FIELDS_ALONE`, with at least :data:`TELLING_FIELDS` shared fields
      weighing more than generic ones besides the subject key, so that two
      small items sharing a field or two are not called one data set.

    Linked items form connected groups; each group is a finding, scored by its
    strongest link (the field similarity, or the mean of name similarity and
    field coverage for a link on names).

Speed (provincial scale: 100k items, ≈1.5M fields)
    Candidate pairs come only from blocks, never from all pairs. Items are
    indexed per government and kind of subject by (a) their name key and its
    tails, and (b) the *prefix* of their field keys in one global order, heaviest
    first, holding all but the last ``FIELDS_ALONE / 2`` of their weight: two
    items reaching the field threshold must share a key in both prefixes (prefix
    filtering), so these blocks lose no pair, and generic fields, weighing
    little, fall outside the prefixes. Blocks keep each department's items
    apart, so a department's own items are never paired, and pairs whose
    weights differ more than the Dice bound allows are skipped. Every field is
    touched once, in one streamed pass; names are worked out once per distinct
    name.

    Timing: the demo catalog of 100,000 items (90,000 published, with 1.8M of
    the 2.0M fields) on SQLite, on two CPU cores shared with other work: reading
    the rows ≈ 4 s, detection ≈ 7 s, ≈ 11 s in all, 0.4 GB peak memory; 88k
    candidate pairs are scored. The report keeps the result until the published
    catalog changes (:func:`registry.sourcing.report.current_findings`), so
    later pages answer in under 0.1 s. On every demo catalog tried (400 to
    100,000 items, several seeds, profiles national and fuzhou_jx) the findings
    are exactly the groups the demo seeds (``tests/sourcing/test_demo_catalog.py``).
"""
from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from registry.catalog.identifiers import guess_identifier_kind
from registry.sourcing.names import (
    SAME_HEAD,
    field_key,
    field_surface,
    is_generic,
    item_name_key,
    name_similarity,
    other_aspect,
    region_prefixes,
)

#: Field similarity that alone says two items collect the same data.
FIELDS_ALONE = 0.6
#: Telling (not generic) fields besides the subject key two items must share to match on fields alone.
TELLING_FIELDS = 3
#: Share of the smaller item's fields the other must have when the names say the same data.
COVERAGE_WITH_NAME = 0.5
#: Name similarity of names saying the same data (equal keys, or one ending with the other).
SAME_NAME = SAME_HEAD
#: The most a generic field (姓名, 备注 …) weighs, whatever its frequency.
GENERIC_WEIGHT = 0.2
#: The least any field weighs (one every department keeps would weigh nothing).
MIN_WEIGHT = 0.05


# -- what goes in ---------------------------------------------------------------------------


class OrgRow(NamedTuple):
    id: int
    code: str
    name: str
    level: str  # city, county, department, unit
    parent_id: int | None


class ItemRow(NamedTuple):
    id: int
    code: str
    name: str
    provider_id: int
    subject: str | None = None  # natural_person, legal_person, other


class FieldRow(NamedTuple):
    """A field as detection reads it; any row with these attributes will do (a Core result row, labelled alike)."""

    item_id: int
    name: str
    identifier_kind: str | None
    is_primary_key: bool
    position: int


# -- what comes out -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgRef:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class Member:
    item_id: int
    code: str
    name: str
    provider: OrgRef  # the department (an internal unit's items count as its department's)


@dataclass(frozen=True)
class MatchedField:
    """One piece of data the members share: each member's field name, and how they matched."""

    key: str
    how: str  # identifier, same_name, synonym
    weight: float
    names: tuple[tuple[str, str], ...]  # (item code, field name)

    @property
    def label(self) -> str:
        return self.names[0][1]


@dataclass(frozen=True)
class Finding:
    """Items of different departments that collect the same data, what they share and why they look alike."""

    key: str
    members: tuple[Member, ...]
    fields: tuple[MatchedField, ...]
    score: int  # 0–100
    name_match: str | None  # the shared name key when names said the same data
    reason: str

    @property
    def title(self) -> str:
        """What the finding is about: the shared name, else the members' names."""
        return self.name_match or " / ".join(dict.fromkeys(m.name for m in self.members))

    @property
    def member_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.members)

    @property
    def providers(self) -> tuple[OrgRef, ...]:
        return tuple({m.provider.id: m.provider for m in self.members}.values())


def finding_key(codes: Iterable[str]) -> str:
    """A finding's key, derived from its smallest member code: adding or dropping another member keeps the
    key, and the report then shows the designation made for the old members as outdated."""
    return "d" + hashlib.sha1(min(codes).encode()).hexdigest()[:15]


# -- the items as vectors -------------------------------------------------------------------


@dataclass
class _Item:
    row: ItemRow
    department: int
    government: int
    subject: str | None
    subject_key: int | None
    name_key: str
    keys: dict[int, str] = field(default_factory=dict)  # key id → the item's field name
    weight: float = 0.0
    prefix: tuple[int, ...] = ()


class _Keys:
    """Field keys interned as ints, with their document frequency and weight."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.texts: list[str] = []
        self.holders: dict[int, set[int]] = defaultdict(set)  # key id → departments keeping it
        self.weights: list[float] = []
        self.rank: list[int] = []  # key id → place in the global order, heaviest first

    def intern(self, key: str) -> int:
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.texts)
            self.texts.append(key)
        return found

    def weigh(self, departments: int) -> None:
        self.weights = [0.0] * len(self.texts)
        for key_id, text in enumerate(self.texts):
            holders = len(self.holders.get(key_id, ()))
            if not holders:  # a name seen only as a subject key, which counts under #kind
                continue
            weight = max(math.log((departments + 1) / holders), MIN_WEIGHT)
            if not text.startswith("#") and is_generic(text):
                weight = min(weight, GENERIC_WEIGHT)
            self.weights[key_id] = weight
        order = sorted(range(len(self.texts)), key=lambda k: (-self.weights[k], k))
        self.rank = [0] * len(order)
        for position, key_id in enumerate(order):
            self.rank[key_id] = position


def _departments(orgs: Iterable[OrgRow]) -> tuple[dict[int, OrgRow], dict[int, int], dict[int, int]]:
    """Organisations by id; each one's department (units roll up); each department's government."""
    by_id = {o.id: o for o in orgs}
    department, government = {}, {}
    for org in by_id.values():
        dept = by_id.get(org.parent_id) if org.level == "unit" and org.parent_id in by_id else org
        department[org.id] = dept.id
        government[org.id] = dept.parent_id if dept.level == "department" and dept.parent_id else dept.id
    return by_id, department, government


#: The identifier kind that keys each kind of data subject (the catalog's rule identifier_key_fields).
SUBJECT_KINDS = {"natural_person": "citizen_id", "legal_person": "uscc"}
_ANY_SUBJECT = frozenset(SUBJECT_KINDS.values())


class _FieldNames:
    """Per distinct field name, worked out once (a catalog repeats a few thousand names 1.5M times):
    its key id, the identifier kind the name implies (as the catalog's rules read it), and one shared
    copy of the name, so the rows' own copies can go."""

    def __init__(self, keys: _Keys) -> None:
        self.keys, self.seen = keys, {}

    def __call__(self, name: str) -> tuple[int | None, str | None, str]:
        found = self.seen.get(name)
        if found is None:
            key = field_key(name)
            found = self.seen[name] = (self.keys.intern(key) if key else None, guess_identifier_kind(name), name)
        return found


#: A field as kept while building vectors: key id, identifier kind, primary key?, position, name.
_Kept = tuple[int | None, str | None, bool, int, str]


def _subject_key(item: ItemRow, fields: list[_Kept]) -> _Kept | None:
    """The field identifying the item's subjects: of the kind its subject needs, the primary key first,
    else the first such field; for other data, a primary-key identifier of either kind."""
    wanted = SUBJECT_KINDS.get(item.subject or "")
    best = None
    for kept in fields:
        kind, primary = kept[1], kept[2]
        if kind is None or not (kind == wanted or (wanted is None and primary and kind in _ANY_SUBJECT)):
            continue
        if best is None or (not primary, kept[3]) < (not best[2], best[3]):
            best = kept
    return best


def _vectors(orgs: Iterable[OrgRow], items: Iterable[ItemRow], fields: Iterable[FieldRow]
             ) -> tuple[list[_Item], _Keys, dict[int, OrgRow]]:
    by_id, department, government = _departments(orgs)
    regions = region_prefixes(o.name for o in by_id.values() if o.level in ("city", "county"))
    keys = _Keys()
    names = _FieldNames(keys)
    per_item: dict[int, list[_Kept]] = defaultdict(list)
    for f in fields:  # one pass over the stream; nothing else here touches every field
        key, implied, name = names(f.name)
        per_item[f.item_id].append((key, f.identifier_kind or implied, bool(f.is_primary_key), f.position, name))
    vectors = []
    for row in items:
        kept = per_item.pop(row.id, [])
        kept.sort(key=lambda k: k[3])  # by position: the first name of a key is the one shown
        subject = _subject_key(row, kept)
        dept = department.get(row.provider_id, row.provider_id)
        item = _Item(row, dept, government.get(row.provider_id, 0), subject[1] if subject else None,
                     keys.intern(f"#{subject[1]}") if subject else None, item_name_key(row.name, regions))
        for field_ in kept:
            if field_ is subject:
                item.keys[item.subject_key] = field_[4]
            elif field_[0] is not None and field_[0] not in item.keys:
                item.keys[field_[0]] = field_[4]
        for k in item.keys:
            keys.holders[k].add(dept)
        vectors.append(item)
    keys.weigh(len({item.department for item in vectors}))
    for item in vectors:
        _set_prefix(item, keys)
    return vectors, keys, by_id


def _set_prefix(item: _Item, keys: _Keys) -> None:
    """The item's rarest keys holding all but ``FIELDS_ALONE / 2`` of its weight (prefix filtering).

    Keys are taken in one global order (weight, then key id), as prefix filtering needs."""
    weights = keys.weights
    ordered = sorted(item.keys, key=keys.rank.__getitem__)
    item.weight = total = sum(weights[k] for k in ordered)
    remaining, prefix = total, []
    for k in ordered:
        if remaining < FIELDS_ALONE / 2 * total:
            break
        prefix.append(k)
        remaining -= weights[k]
    item.prefix = tuple(prefix)


# -- pairs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    a: int
    b: int
    field_similarity: float  # weighted Dice of the field keys
    name_similarity: float
    coverage: float  # share of the smaller item's field keys the other has too
    shared: frozenset[int]

    @property
    def named(self) -> bool:
        return self.name_similarity >= SAME_NAME

    @property
    def score(self) -> float:
        by_name = (self.name_similarity + self.coverage) / 2 if self.named else 0.0
        return max(self.field_similarity, by_name)


def _candidates(items: list[_Item]) -> set[tuple[int, int]]:
    """Pairs of items of different departments of one government, about the same kind of subject, sharing a
    block: a name key (or a tail of it), or a key of both prefixes with weights within the Dice bound."""
    by_name: dict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    by_key: dict[tuple, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, item in enumerate(items):
        if len(item.name_key) >= 2:
            by_name[item.government, item.subject, item.name_key][item.department].append(index)
        for k in item.prefix:
            by_key[item.government, item.subject, k][item.department].append(index)
    ratio = FIELDS_ALONE / (2 - FIELDS_ALONE)  # weighted Dice ≥ t needs min(wA, wB) ≥ t / (2 − t) · max(wA, wB)
    pairs: set[tuple[int, int]] = set()
    for index, item in enumerate(items):
        where = (item.government, item.subject)
        name = item.name_key
        for tail in {name} | {name[start:] for start in range(1, len(name) - 2)}:
            for dept, members in by_name.get((*where, tail), {}).items():
                if dept != item.department:
                    pairs.update((min(index, other), max(index, other)) for other in members)
        low, high = item.weight * ratio, item.weight / ratio
        for k in item.prefix:
            for dept, members in by_key[(*where, k)].items():
                if dept != item.department:
                    pairs.update((index, other) for other in members
                                 if other > index and low <= items[other].weight <= high)
    return pairs


def _link(a: _Item, b: _Item, ia: int, ib: int, weights: list[float]) -> _Link | None:
    if a.subject != b.subject or other_aspect(a.name_key, b.name_key):
        return None  # records about other kinds of subject, or other data about the same subjects
    shared = a.keys.keys() & b.keys.keys()
    total = a.weight + b.weight
    link = _Link(ia, ib, 2 * sum(weights[k] for k in shared) / total if total else 0.0,
                 name_similarity(a.name_key, b.name_key),
                 len(shared) / min(len(a.keys), len(b.keys)) if shared else 0.0, frozenset(shared))
    if link.named and link.coverage >= COVERAGE_WITH_NAME:
        return link
    telling = sum(weights[k] > GENERIC_WEIGHT for k in shared if k not in (a.subject_key, b.subject_key))
    if link.field_similarity >= FIELDS_ALONE and telling >= TELLING_FIELDS:
        return link
    return None


# -- groups ----------------------------------------------------------------------------------


def _groups(links: list[_Link]) -> list[list[_Link]]:
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        parent[root(link.a)] = root(link.b)
    grouped: dict[int, list[_Link]] = defaultdict(list)
    for link in links:
        grouped[root(link.a)].append(link)
    return list(grouped.values())


def _finding(links: list[_Link], items: list[_Item], keys: _Keys, orgs: dict[int, OrgRow]) -> Finding:
    indexes = sorted({i for link in links for i in (link.a, link.b)}, key=lambda i: items[i].row.code)
    members = tuple(
        Member(items[i].row.id, items[i].row.code, items[i].row.name,
               OrgRef(orgs[items[i].department].id, orgs[items[i].department].code, orgs[items[i].department].name))
        for i in indexes
    )
    shared = set().union(*(link.shared for link in links))
    matched = []
    for k in shared:
        holders = [i for i in indexes if k in items[i].keys]
        names = tuple((items[i].row.code, items[i].keys[k]) for i in holders)
        text = keys.texts[k]
        if text.startswith("#"):
            how = "identifier"
        elif len({field_surface(n) for _, n in names}) == 1:
            how = "same_name"
        else:
            how = "synonym"
        matched.append(MatchedField(text, how, round(keys.weights[k], 2), names))
    matched.sort(key=lambda m: (m.how != "identifier", -m.weight, m.key))
    named = [link for link in links if link.named]
    name_match = min((items[i].name_key for link in named for i in (link.a, link.b)), key=len) if named else None
    best = max(links, key=lambda link: link.score)
    finding = Finding(finding_key(m.code for m in members), members, tuple(matched), round(100 * best.score),
                      name_match, "")
    return replace(finding, reason=reason_for(finding))


def reason_for(finding: Finding) -> str:
    """Why the members look like the same data, in Chinese, for the reviewer."""
    providers = "、".join(p.name for p in finding.providers)
    parts = [f"{providers}的{len(finding.members)}个条目"]
    if finding.name_match:
        parts.append(f"名称指向同一数据（{finding.name_match}）")
    identifier = next((m for m in finding.fields if m.how == "identifier"), None)
    if identifier:
        parts.append(f"均以{_KIND_LABELS.get(identifier.key[1:], identifier.key[1:])}为主体标识")
    telling = [m for m in finding.fields if m.how != "identifier" and m.weight > GENERIC_WEIGHT]
    if telling:
        shown = "、".join(m.label for m in telling[:6]) + ("等" if len(telling) > 6 else "")
        synonyms = sum(m.how == "synonym" for m in telling)
        parts.append(f"共有{len(telling)}个相同{'或同义' if synonyms else ''}的信息项（{shown}）")
    return "，".join(parts) + f"；相似度{finding.score}%。"


_KIND_LABELS = {"citizen_id": "公民身份号码", "uscc": "统一社会信用代码"}


def detect(orgs: Iterable[OrgRow], items: Iterable[ItemRow], fields: Iterable[FieldRow]) -> list[Finding]:
    """The findings among ``items`` (the published catalog), strongest first."""
    vectors, keys, by_id = _vectors(orgs, items, fields)
    links = []
    for ia, ib in _candidates(vectors):
        link = _link(vectors[ia], vectors[ib], ia, ib, keys.weights)
        if link is not None:
            links.append(link)
    findings = [_finding(group, vectors, keys, by_id) for group in _groups(links)]
    findings.sort(key=lambda f: (-f.score, f.key))
    return findings
