"""The demo catalog as plain data: an organisation tree and a stream of catalog entries.

Nothing here touches the database. :func:`org_tree` is the same for every
seed (one fictional city, its counties, departments and internal units, with
valid codes); :func:`generate_entries` yields entry dicts in the shape
:func:`registry.catalog.operations.create_item` accepts, the same for the same
seed, items and profile.

Every random draw is made before the active profile is consulted and the
same number of draws is made under every profile, so names, fields and codes
do not depend on the profile; only the vocabulary-bound values (share and
open types, share methods, update cycles, formats) are mapped onto what the
profile allows.
"""
from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from registry.catalog.identifiers import citizen_id_check_char, org_code_check_char, uscc_check_char
from registry.demo import vocab
from registry.profiles import Profile

# -- organisations -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    """One organisation of the demo tree, in the shape ``create_org`` accepts."""

    code: str
    name: str
    level: str  # city, county, department, unit
    parent: str | None
    region_code: str
    short_name: str | None = None
    catalog_code: str | None = None
    domain: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "code": self.code, "name": self.name, "level": self.level, "parent": self.parent,
            "region_code": self.region_code, "short_name": self.short_name, "catalog_code": self.catalog_code,
            "contact_name": self.contact_name, "contact_phone": self.contact_phone,
        }


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.md5(text.encode()).digest()[:8], "big")


def _uscc(kind: str, region: str, salt: str, used: set[str]) -> str:
    """A valid 统一社会信用代码: 登记管理部门和机构类别 + 行政区划 + 组织机构代码 + 校验码."""
    attempt = 0
    while True:
        body8 = f"00{_digest(f'{salt}#{attempt}') % 10**6:06d}"
        body17 = f"{kind}{region}{body8}{org_code_check_char(body8)}"
        code = body17 + uscc_check_char(body17)
        if code not in used:
            used.add(code)
            return code
        attempt += 1


def _contact(salt: str) -> tuple[str, str]:
    h = _digest(salt)
    given = vocab.GIVEN_CHARS
    name = vocab.SURNAMES[h % len(vocab.SURNAMES)] + given[(h >> 8) % len(given)]
    if (h >> 16) % 3:
        name += given[(h >> 24) % len(given)]
    return name, f"0377-6{(h >> 32) % 10**7:07d}"


def _county_unit(name: str) -> str:
    """County departments have 股 and 大队 where the city has 科 and 支队."""
    return name.replace("支队", "大队").replace("科", "股").replace("处", "股")


@cache
def org_tree() -> tuple[OrgSpec, ...]:
    """The city, its counties, departments and internal units, parents first; the same for every seed."""
    used: set[str] = set()
    city = vocab.CITY_CODE
    orgs = [OrgSpec(city, vocab.CITY_NAME, "city", None, city, vocab.CITY_SHORT)]
    orgs += [OrgSpec(code, name, "county", city, code, name, *[None] * 2, *_contact(code)) for code, name in vocab.COUNTIES]

    def department(domain: vocab.Domain, name: str, short: str, region: str, parent: str, index: int, units: tuple[str, ...]) -> None:
        code = _uscc(domain.kind, region, name, used)
        catalog_code = f"{region[2:]}{index:03d}"
        orgs.append(OrgSpec(code, name, "department", parent, region, short, catalog_code, domain.key, *_contact(name)))
        for unit in units:
            orgs.append(OrgSpec(_uscc("11", region, name + unit, used), name + unit, "unit", code, region, unit,
                                None, domain.key, *_contact(name + unit)))

    for index, domain in enumerate(vocab.DOMAINS, start=1):
        name = domain.name.format(city=vocab.CITY_NAME)
        short = "市" + name.split(vocab.CITY_NAME, 1)[1]
        department(domain, name, short, city, city, index, domain.units[:4])
    county_domains = [d for d in vocab.DOMAINS if d.county_name]
    for county_code, county_name in vocab.COUNTIES:
        for index, domain in enumerate(county_domains, start=1):
            name = county_name + domain.county_name
            units = tuple(dict.fromkeys(_county_unit(u) for u in domain.units[:2]))
            department(domain, name, name, county_code, county_code, index, units)
    return tuple(orgs)


def city_department_code(domain_key: str) -> str:
    """The code of the city-level department of a domain (``ga`` → 市公安局)."""
    return next(o.code for o in org_tree() if o.level == "department" and o.domain == domain_key and o.parent == vocab.CITY_CODE)


# -- fields ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldTemplate:
    """A 信息项 as the vocabulary lists it, ready to copy in either naming style."""

    name: str
    id_kind: str | None
    pinyin: dict[str, Any]
    english: dict[str, Any]
    sensitive: bool
    primary_key: bool


def _parse_field(line: str) -> FieldTemplate:
    parts = (line.split("|") + [""] * 8)[:8]
    name, pinyin, english, data_type, length, flags, description, example = (p.strip() for p in parts)
    flag_set = {f.strip() for f in flags.split(",") if f.strip()}
    id_kind = next((f[3:] for f in flag_set if f.startswith("id=")), None)
    base: dict[str, Any] = {"name": name, "data_type": data_type or "C", "description": description or None}
    if length:
        base["length"] = int(length)
    if "pk" in flag_set:
        base["is_primary_key"] = True
    if "s" in flag_set:
        base["is_sensitive"] = True
    if id_kind:
        base["identifier_kind"] = id_kind
    if example:
        base["example_value"] = example
    base = {k: v for k, v in base.items() if v is not None}
    return FieldTemplate(name, id_kind, {**base, "technical_name": pinyin}, {**base, "technical_name": english},
                         "s" in flag_set, "pk" in flag_set)


def _parse_fields(text: str) -> tuple[FieldTemplate, ...]:
    return tuple(_parse_field(line) for line in text.strip().splitlines() if line.strip())


@dataclass(frozen=True)
class Topic:
    """A kind of resource a department keeps (户籍人口基本信息), with where it sits in the trees."""

    name: str
    subject: str  # P, L, O
    base: str | None  # 项 of the base tree
    theme: str | None  # 项 of the theme tree
    index: int  # position in its domain's list
    base_category: str | None = None
    theme_category: str | None = None

    @property
    def stem(self) -> str:
        for tail in ("信息", "数据"):
            if self.name.endswith(tail) and len(self.name) > len(tail) + 1:
                return self.name[: -len(tail)]
        return self.name


@dataclass(frozen=True)
class DomainData:
    domain: vocab.Domain
    topics: tuple[Topic, ...]
    fields: tuple[FieldTemplate, ...]
    windows: tuple[tuple[FieldTemplate, ...], ...]  # the domain fields suiting each topic


SUBJECTS = {"P": "natural_person", "L": "legal_person", "O": "other"}
SUBJECT_TAGS = {"P": "人口", "L": "法人", "O": None}


@dataclass(frozen=True)
class World:
    """Everything the generator derives from the vocabulary, once per process."""

    domains: dict[str, DomainData]
    cores: dict[str, tuple[FieldTemplate, ...]]  # subject → its fields (key first)
    common: tuple[FieldTemplate, ...]
    by_name: dict[str, FieldTemplate]


def _topic_windows(fields: tuple[FieldTemplate, ...], topics: int) -> tuple[tuple[FieldTemplate, ...], ...]:
    """Domain fields are listed roughly in topic order, so each topic draws from a window around its place."""
    size = max(6, round(len(fields) * 0.4))
    windows = []
    for i in range(topics):
        centre = (i + 0.5) / topics * len(fields)
        start = max(0, min(len(fields) - size, round(centre - size / 2)))
        windows.append(fields[start:start + size])
    return tuple(windows)


@cache
def world() -> World:
    cores = {"P": _parse_fields(vocab.PERSON_FIELDS), "L": _parse_fields(vocab.LEGAL_FIELDS), "O": _parse_fields(vocab.OTHER_FIELDS)}
    common = _parse_fields(vocab.COMMON_FIELDS)
    counters: dict[tuple[str, str], int] = {}
    domains: dict[str, DomainData] = {}
    for domain in vocab.DOMAINS:
        topics = []
        for index, line in enumerate(l for l in domain.topics.strip().splitlines() if l.strip()):
            name, subject, base, theme = ((line.split("|") + [""] * 4)[:4])
            base_cat = theme_cat = None
            if base:
                counters[("1", base)] = counters.get(("1", base), 0) + 1
                base_cat = f"{counters[('1', base)]:03d}"
            if theme:
                counters[("2", theme)] = counters.get(("2", theme), 0) + 1
                theme_cat = f"{counters[('2', theme)]:03d}"
            topics.append(Topic(name, subject, base or None, theme or None, index, base_cat, theme_cat))
        fields = _parse_fields(domain.fields)
        domains[domain.key] = DomainData(domain, tuple(topics), fields, _topic_windows(fields, len(topics)))
    by_name: dict[str, FieldTemplate] = {}
    for group in (*cores.values(), common, *(d.fields for d in domains.values())):
        for template in group:
            by_name.setdefault(template.name, template)
    return World(domains, cores, common, by_name)


# -- "one data, one source" ------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroup:
    """Items of different departments that collect the same data, seeded on purpose."""

    key: str
    label: str
    members: tuple[tuple[str, str], ...]  # (provider code, item name)


def seeded_duplicate_groups() -> tuple[DuplicateGroup, ...]:
    return tuple(
        DuplicateGroup(key, label, tuple((city_department_code(domain), name) for domain, name, _, _ in members))
        for key, label, members in vocab.DUPLICATE_GROUPS
    )


#: The groups every demo catalog contains (when it has at least :data:`MIN_ITEMS_FOR_GROUPS` items).
SEEDED_DUPLICATE_GROUPS: tuple[DuplicateGroup, ...] = seeded_duplicate_groups()

#: Entries that open every demo catalog: one per share/open combination, then the duplicate groups.
_COVERAGE = (("qx", "unconditional", "unconditional"), ("scjg", "conditional", "conditional"), ("ga", "not_shared", "not_open"))
MIN_ITEMS_FOR_GROUPS = len(_COVERAGE) + sum(len(g.members) for g in SEEDED_DUPLICATE_GROUPS)


def published_count(items: int) -> int:
    """How many of ``items`` the demo publishes; the rest, at the end of the stream, stay drafts."""
    return items - items // 10


# -- profile mapping ---------------------------------------------------------------------------

_METHOD_PREFERENCE = {
    "database": ("database", "api", "batch_exchange", "cross_check"),
    "spreadsheet": ("file", "batch_exchange", "database"),
    "electronic_file": ("file", "batch_exchange"),
    "service_api": ("api", "cross_check"),
}


@dataclass(frozen=True)
class Plan:
    """What the active profile allows, reduced to the choices the generator makes."""

    share_types: frozenset[str]
    open_types: frozenset[str]
    methods: dict[str, tuple[str, ...]]  # format class → platform share-method types
    offline: tuple[str, tuple[str, ...]] | None
    platform: str
    service_api: bool
    cycles: dict[str, str]
    themes: dict[str, str]  # 项 of the theme tree → its label, for tags

    @classmethod
    def for_profile(cls, profile: Profile) -> Plan:
        method_terms = profile.vocab("share_method").terms
        platform = next((t for t in method_terms if t.value == "platform"), method_terms[0])
        platform_types = [t.value for t in platform.children]
        offline = next((t for t in method_terms if t is not platform and t.children), None)
        methods = {fmt: tuple(m for m in pref if m in platform_types) or (platform_types[0],) for fmt, pref in _METHOD_PREFERENCE.items()}
        cycle_vocab = profile.vocab("update_cycle")
        monthly_at_least = profile.applies("update_cycle_at_least_monthly")
        cycles = {}
        for term in cycle_vocab.terms:
            max_days = term.attrs.get("max_days")
            too_slow = monthly_at_least and (max_days is None or max_days > 31)
            cycles[term.value] = "monthly" if too_slow else term.value
        return cls(
            share_types=frozenset(profile.vocab("share_type").values),
            open_types=frozenset(profile.vocab("open_type").values),
            methods=methods,
            offline=(offline.value, tuple(t.value for t in offline.children)) if offline else None,
            platform=platform.value,
            service_api="service_api" in profile.vocab("format_class").values,
            cycles=cycles,
            themes={node.code: node.label for node in getattr(profile.class_node("2"), "children", ())},
        )

    def cycle(self, value: str) -> str:
        return self.cycles.get(value, self.cycles.get("monthly", "monthly"))


_CYCLES = (("realtime", 0.08), ("daily", 0.28), ("weekly", 0.33), ("monthly", 0.60), ("quarterly", 0.70),
           ("half_yearly", 0.74), ("yearly", 0.88), ("irregular", 0.98), ("static", 1.01))


def _pick(r: float, table: tuple[str, ...]) -> str:
    return table[int(r * len(table))]


# -- the generator -----------------------------------------------------------------------------


@dataclass
class _Dept:
    spec: OrgSpec
    data: DomainData
    county: str  # county name, "" for city departments
    units: tuple[str, ...]
    english: bool  # its systems name columns in English rather than pinyin initials
    id_synonym: bool  # it calls 公民身份号码 身份证号码


@dataclass
class _Draws:
    """Every random choice for one entry, made before the profile is consulted."""

    class_code: str
    format: str  # database, spreadsheet, electronic_file or service_api
    share: str  # unconditional, conditional or not_shared
    open: str  # unconditional, conditional or not_open
    templates: list[FieldTemplate]
    fields: list[dict[str, Any]]
    summary: str
    r: dict[str, float]  # uniform draws, mapped onto the profile's lists later
    storage: float
    records: int


_ID_SYNONYM = _parse_field("身份证号码|SFZHM|id_card_no|C|18|pk,s,id=citizen_id|居民身份证号码")
_UNIFORM_DRAWS = ("type", "method", "offline", "cycle", "grade", "unit", "system", "date", "purchase",
                  "condition", "basis_kind", "basis", "open_condition", "open_basis")


class _Generator:
    def __init__(self, profile: Profile, items: int, seed: int, orgs: Mapping[str, Any] | None):
        self.rng = random.Random(seed)
        self.seed, self.items, self.orgs = seed, items, orgs
        self.n_published = published_count(items)
        self.plan = Plan.for_profile(profile)
        self.world = world()
        tree = org_tree()
        counties = {o.code: o.name for o in tree if o.level == "county"}
        units: dict[str, list[str]] = {}
        for org in tree:
            if org.level == "unit":
                units.setdefault(org.parent, []).append(org.code)
        departments = [o for o in tree if o.level == "department"]
        self.depts = [
            _Dept(o, self.world.domains[o.domain], counties.get(o.parent, ""), tuple(units.get(o.code, ())),
                  english=i % 3 == 2, id_synonym=o.parent != vocab.CITY_CODE and i % 4 == 0)
            for i, o in enumerate(departments)
        ]
        self.dept_by_code = {d.spec.code: d for d in self.depts}
        # County departments keep smaller catalogs than the city's.
        weights = [d.data.domain.weight * (0.35 if d.county else 1.0) for d in self.depts]
        total, running, self.cum_weights = sum(weights), 0.0, []
        for weight in weights:
            running += weight
            self.cum_weights.append(running / total)
        self.used_names = {name for _, _, members in vocab.DUPLICATE_GROUPS for _, name, _, _ in members}
        self.name_streams: dict[str, Iterator[tuple[Topic, str]]] = {}
        self.examples = {
            "citizen_id": [self._citizen_id() for _ in range(400)],
            "uscc": [self._company_uscc() for _ in range(400)],
            "org_code": [self._org_code() for _ in range(100)],
            "region_code": [code for code, _ in vocab.COUNTIES],
        }

    # identifiers for example values ----------------------------------------------------
    def _citizen_id(self) -> str:
        born = date(1940, 1, 1) + timedelta(days=self.rng.randrange(365 * 68))
        body = f"{self.rng.choice(vocab.COUNTIES)[0]}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
        return body + citizen_id_check_char(body)

    def _org_code(self) -> str:
        body = "".join(self.rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
        return body + org_code_check_char(body)

    def _company_uscc(self) -> str:
        body = f"{self.rng.choice(('91', '91', '92', '93', '52'))}{self.rng.choice(vocab.COUNTIES)[0]}{self._org_code()}"
        return body + uscc_check_char(body)

    # names ----------------------------------------------------------------------------
    def _names(self, dept: _Dept) -> Iterator[tuple[Topic, str]]:
        """Plain topic names first, then variants, then yearly editions, then numbered batches."""
        rng = random.Random(f"{self.seed}:{dept.spec.code}")
        seeded = {name for domain, name in vocab.SEEDED_TOPICS if dept.spec.code == city_department_code(domain)}
        prefix, topics = dept.county, [t for t in dept.data.topics if t.name not in seeded]
        plain = [(t, t.name) for t in topics]
        variants = [(t, t.stem + v) for t in topics for v in vocab.NAME_VARIANTS]
        yearly = [(t, f"{year}年{n}") for year in range(vocab.FIRST_YEAR, vocab.LAST_YEAR + 1) for t, n in plain + variants]
        for tier in (plain, variants, yearly):
            rng.shuffle(tier)
            yield from ((t, prefix + n) for t, n in tier)
        for batch in itertools.count(2):
            yield from ((t, f"{prefix}{t.name}（第{batch}批）") for t in topics)

    def _next_name(self, dept: _Dept) -> tuple[Topic, str]:
        """The department's next name that no department has used (the seeded duplicates aside)."""
        stream = self.name_streams.setdefault(dept.spec.code, self._names(dept))
        for topic, name in stream:
            if name not in self.used_names:
                self.used_names.add(name)
                return topic, name
        raise AssertionError("name streams are endless")

    # fields -----------------------------------------------------------------------------
    def _sample(self, pool: tuple[FieldTemplate, ...], count: int) -> list[FieldTemplate]:
        if count >= len(pool):
            return list(pool)
        return [pool[i] for i in sorted(self.rng.sample(range(len(pool)), count))]

    def _templates(self, dept: _Dept, topic: Topic) -> list[FieldTemplate]:
        """Key identifier, then the subject's own fields, then the topic's, then bookkeeping: 5–40 in all."""
        rng = self.rng
        total = round(rng.triangular(5, 40, 15))
        core = self.world.cores[topic.subject]
        key = _ID_SYNONYM if (dept.id_synonym and topic.subject == "P") else core[0]
        tail = self._sample(self.world.common, rng.randint(1, 3))
        room = total - 1 - len(tail)
        window = dept.data.windows[topic.index]
        core_count = min(len(core) - 1, room - min(len(window), max(1, round(room * 0.5))))
        domain_count = room - core_count
        pool = window if domain_count <= len(window) else dept.data.fields  # a long table reaches past its topic
        chosen = [key, *self._sample(core[1:], core_count), *self._sample(pool, domain_count), *tail]
        seen: set[str] = set()
        return [t for t in chosen if not (t.name in seen or seen.add(t.name))]

    def _field_dicts(self, templates: list[FieldTemplate], english: bool, share: str, open_: str, restrict: bool) -> list[dict[str, Any]]:
        """The entry's 信息项; sensitive ones are shared and opened more narrowly than their item."""
        out = []
        for t in templates:
            d = dict(t.english if english else t.pinyin)
            if t.id_kind:
                d["example_value"] = _pick(self.rng.random(), self.examples[t.id_kind])
            if restrict and t.sensitive and not t.primary_key:
                if share == "unconditional":
                    d["share_type"], d["share_condition"] = "conditional", vocab.FIELD_SHARE_CONDITION
                if open_ != "not_open":
                    d["open_type"] = "not_open"
            out.append(d)
        return out

    # random choices ----------------------------------------------------------------------
    def _dept(self) -> _Dept:
        return self.depts[bisect.bisect_left(self.cum_weights, self.rng.random())]

    def _draw(self, dept: _Dept, topic: Topic, name: str, templates: list[FieldTemplate] | None,
              force: tuple[str, str] | None) -> _Draws:
        """All random choices for one entry, in a fixed order and number whatever the profile."""
        rng = self.rng
        r_class, r_format, r_share, r_open = rng.random(), rng.random(), rng.random(), rng.random()
        if force or templates is not None:
            class_code = "3"
        elif topic.base and r_class < 0.4:
            class_code = "1"
        elif topic.theme and r_class > 0.7:
            class_code = "2"
        else:
            class_code = "3"
        personal = topic.subject == "P"
        if force:
            share, open_ = force
        else:
            share, open_ = self._share_and_open(class_code, personal, r_share, r_open)
        r = {key: rng.random() for key in _UNIFORM_DRAWS}
        storage, records = round(10 ** rng.uniform(-1, 4.5), 2), int(10 ** rng.uniform(2, 7.5))
        templates = templates if templates is not None else self._templates(dept, topic)
        fields = self._field_dicts(templates, dept.english, share, open_, class_code != "1")
        summary = self._summary(dept, name, templates, rng.random(), rng.random())
        fmt = ("database" if r_format < 0.58 else "spreadsheet" if r_format < 0.82
               else "electronic_file" if r_format < 0.92 else "service_api")
        return _Draws(class_code, fmt, share, open_, templates, fields, summary, r, storage, records)

    @staticmethod
    def _share_and_open(class_code: str, personal: bool, r_share: float, r_open: float) -> tuple[str, str]:
        if class_code == "1":
            share = "unconditional"  # base data is shared unconditionally
        elif personal:
            share = "unconditional" if r_share < 0.25 else "conditional" if r_share < 0.88 else "not_shared"
        else:
            share = "unconditional" if r_share < 0.55 else "conditional" if r_share < 0.9 else "not_shared"
        if share == "not_shared":
            return share, "not_open"
        if personal:
            return share, "not_open" if r_open < 0.75 else "conditional"
        return share, "unconditional" if r_open < 0.35 else "conditional" if r_open < 0.55 else "not_open"

    def _summary(self, dept: _Dept, name: str, templates: list[FieldTemplate], r1: float, r2: float) -> str:
        domain = dept.data.domain
        text = (f"{dept.spec.short_name}在{domain.business}工作中形成的{name}，"
                f"包括{'、'.join(t.name for t in templates[:3])}等{len(templates)}个信息项。")
        text += _pick(r1, vocab.SUMMARY_USES).format(usage=domain.usage)
        if r2 < 0.6:
            personal = any(t.id_kind == "citizen_id" for t in templates)
            notes = vocab.SUMMARY_NOTES if personal else vocab.SUMMARY_NOTES[:2]
            scope = f"{dept.county}全域" if dept.county else f"{vocab.CITY_NAME}全市"
            text += _pick(r2 / 0.6, notes).format(system=_pick(r1, domain.systems), scope=scope)
        return text

    # the entry under the active profile ---------------------------------------------------
    def _render(self, index: int, dept: _Dept, topic: Topic, name: str, d: _Draws) -> dict[str, Any]:
        """The entry dict: the draws mapped onto what the profile allows; no randomness here."""
        plan, r = self.plan, d.r
        share = "conditional" if d.share == "not_shared" and "not_shared" not in plan.share_types else d.share
        open_ = "not_open" if d.open == "conditional" and "conditional" not in plan.open_types else d.open
        has_personal = any(t.id_kind == "citizen_id" for t in d.templates)
        entry: dict[str, Any] = {
            "class_code": d.class_code,
            "item_code": {"1": topic.base, "2": topic.theme}.get(d.class_code, "07"),
            "category_code": {"1": topic.base_category, "2": topic.theme_category}.get(d.class_code, vocab.PROVINCE_CATEGORY),
            "name": name,
            "summary": d.summary,
            "provider": self._org(dept.spec.code),
            "share_type": share,
            "open_type": open_,
            "update_cycle": plan.cycle(next(v for v, edge in _CYCLES if r["cycle"] < edge)),
            "security_grade": _grade(has_personal or d.share == "not_shared", r["grade"]),
            "subject": SUBJECTS[topic.subject],
            "has_personal_data": has_personal,
            "source_system": _pick(r["system"], dept.data.domain.systems),
            "tags": self._tags(dept, topic),
            "storage_total": d.storage,
            "record_total": d.records,
            "fields": d.fields,
        }
        self._format(entry, d.format, r["type"])
        if d.class_code == "3":
            entry["subcategory_code"] = dept.spec.catalog_code
        if dept.units and r["unit"] < 0.7:
            entry["provider_unit"] = self._org(dept.units[int(r["unit"] / 0.7 * len(dept.units))])
        if index < self.n_published:
            entry["publish_date"] = date(2019, 1, 1) + timedelta(days=int(r["date"] * 6 * 365))
        if r["purchase"] < 0.01 and topic.subject != "P":
            entry["is_purchased"] = True
            entry["purchase_source"] = _pick(r["purchase"] * 100, vocab.PURCHASE_SOURCES)
        self._sharing(entry, dept.data.domain.key, topic.subject == "P", r)
        return entry

    def _format(self, entry: dict[str, Any], fmt: str, r_type: float) -> None:
        if fmt == "service_api" and not self.plan.service_api:
            fmt = "database"  # the profile has no 服务接口 format: a database offered through an interface
        entry["format_class"] = fmt
        types = {"database": vocab.DATABASE_TYPES, "spreadsheet": vocab.SPREADSHEET_TYPES, "electronic_file": vocab.FILE_TYPES}
        if fmt in types:
            entry["format_type"] = _pick(r_type, types[fmt])
        else:
            entry["format_description"] = "RESTful接口，JSON格式"

    def _sharing(self, entry: dict[str, Any], domain: str, personal: bool, r: dict[str, float]) -> None:
        """Share method, conditions and the legal bases the rules ask for."""
        plan, share, open_ = self.plan, entry["share_type"], entry["open_type"]
        if share != "not_shared":
            if plan.offline and r["offline"] < 0.05:
                entry["share_method_class"], entry["share_method_type"] = plan.offline[0], _pick(r["method"], plan.offline[1])
            else:
                entry["share_method_class"] = plan.platform
                entry["share_method_type"] = _pick(r["method"], plan.methods.get(entry["format_class"], plan.methods["database"]))
        if share == "conditional":
            entry["share_condition"] = _pick(r["condition"], vocab.SHARE_CONDITIONS)
            bases = vocab.DOMAIN_BASES.get(domain, ()) if r["basis_kind"] < 0.6 else ()
            entry["share_basis"] = _pick(r["basis"], bases or (vocab.PERSONAL_BASES if personal else vocab.GENERAL_BASES))
        elif share == "not_shared":
            entry["share_basis"] = _pick(r["basis"], vocab.NOT_SHARED_BASES)
        if open_ == "conditional":
            entry["open_condition"] = _pick(r["open_condition"], vocab.OPEN_CONDITIONS)
            entry["open_basis"] = vocab.OPEN_BASES[3]
        elif open_ == "not_open":
            entry["open_basis"] = vocab.OPEN_BASES[0] if personal else _pick(r["open_basis"], vocab.OPEN_BASES[1:3])

    def _tags(self, dept: _Dept, topic: Topic) -> list[str]:
        tags = [dept.data.domain.short]
        if SUBJECT_TAGS[topic.subject]:
            tags.append(SUBJECT_TAGS[topic.subject])
        if topic.theme in self.plan.themes:
            tags.append(self.plan.themes[topic.theme])
        if topic.base == "05":
            tags.append("电子证照")
        return tags

    def _org(self, code: str) -> Any:
        return self.orgs[code] if self.orgs is not None else code

    def entry(self, index: int, dept: _Dept, topic: Topic, name: str, templates: list[FieldTemplate] | None = None,
              force: tuple[str, str] | None = None) -> dict[str, Any]:
        return self._render(index, dept, topic, name, self._draw(dept, topic, name, templates, force))

    # the stream -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Coverage entries, the seeded duplicate groups, then entries of random departments."""
        planned = []
        for domain, share, open_ in _COVERAGE:
            planned.append((self.dept_by_code[city_department_code(domain)], None, None, (share, open_)))
        for _, _, members in vocab.DUPLICATE_GROUPS:
            for domain, name, subject, lines in members:
                templates = [_parse_field(f) if "|" in f else self.world.by_name[f] for f in lines]
                planned.append((self.dept_by_code[city_department_code(domain)], Topic(name, subject, None, None, 0), templates, None))
        for index in range(self.items):
            if index < len(planned):
                dept, topic, templates, force = planned[index]
                if topic is None:
                    topic, name = self._next_name(dept)
                else:
                    name = topic.name
            else:
                dept, templates, force = self._dept(), None, None
                topic, name = self._next_name(dept)
            yield self.entry(index, dept, topic, name, templates, force)


def _grade(sensitive: bool, r: float) -> str:
    if sensitive:
        return "general" if r < 0.3 else "important" if r < 0.9 else "core"
    return "general" if r < 0.75 else "important" if r < 0.97 else "core"


def generate_entries(profile: Profile, items: int, seed: int = 1, orgs: Mapping[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Yield ``items`` catalog entries for ``profile``, lazily; the same for the same arguments.

    ``orgs`` maps organisation codes (of :func:`org_tree`) to what ``provider``
    and ``provider_unit`` should hold — the loader passes the Organisation
    objects it created; without it they hold the codes. The first
    :func:`published_count` entries carry a publish date, the rest are drafts.
    """
    return iter(_Generator(profile, items, seed, orgs))
