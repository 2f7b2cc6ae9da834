"""Who hears of a request: the users who must act on it now, and the users who asked for it.

Who must act depends on the request's type and where it stands: a review
step at county level waits for that county's reviewers, a demand at the city
stage for the city reviewers, a coordination for the data authority, and
anything else for the compilers of the department the request is addressed to
(``Request.organisation``). The rule is looked up in :data:`WHO_ACTS`, keyed
by ``(type, stage)`` then ``(type, level)`` then ``(type, None)``, then by the
stage or level alone (:data:`DEFAULT_BY_POSITION`), else :data:`DEFAULT_AUDIENCE`.
A process whose stages need another rule adds it with :func:`who_acts`.

Who asked is told of the decision: the users of the requesting department
(``Request.requester``) and whoever opened the request, unless the type says
otherwise in :data:`WHO_ASKED` (:func:`who_asked`).

The separated administrators hear nothing: system, security and audit
administrators do no catalog work (三员分立), whatever a rule names.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import Role, User
from registry.accounts.permissions import CATALOG_ROLES, county_of, subtree_ids
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.models import Request

#: An audience: the users a rule names for one request.
Audience = Callable[[Session, Request], list[User]]


def _active(session: Session, *conditions) -> list[User]:
    query = select(User).where(User.is_active.is_(True), User.role.in_(CATALOG_ROLES), *conditions).order_by(User.id)
    return list(session.scalars(query))


def _staff_of(session: Session, org: Organisation | None) -> set[int]:
    """A department with its internal units; a county or the city alone (not every department under it)."""
    if org is None:
        return set()
    org = org.department
    return subtree_ids(session, org.id) if org.level is OrgLevel.DEPARTMENT else {org.id}


def compilers(session: Session, request: Request) -> list[User]:
    """The compilers of the department the request is addressed to (and of its internal units).

    A request addressed to the city itself (an open request about no entry) is the authority's;
    one addressed to a county, its reviewers'.
    """
    level = request.organisation.level if request.organisation is not None else None
    if level is OrgLevel.CITY:
        return authority(session, request)
    if level is OrgLevel.COUNTY:
        return county_reviewers(session, request)
    return _active(session, User.role == Role.COMPILER, User.organisation_id.in_(_staff_of(session, request.organisation)))


def county_reviewers(session: Session, request: Request) -> list[User]:
    """The county reviewers of the request's county; the city reviewers when it is outside any county."""
    county = county_of(request.organisation)
    if county is None:
        return city_reviewers(session, request)
    return _active(session, User.role == Role.COUNTY_REVIEWER, User.organisation_id.in_(subtree_ids(session, county.id)))


def city_reviewers(session: Session, request: Request) -> list[User]:
    return _active(session, User.role == Role.CITY_REVIEWER)


def authority(session: Session, request: Request) -> list[User]:
    """The data authority's administrators (数据主管部门)."""
    return _active(session, User.role == Role.AUTHORITY_ADMIN)


def requester_side(session: Session, request: Request) -> list[User]:
    """Who asked: the users of the requesting department, and whoever opened the request."""
    users = _active(session, User.organisation_id.in_(_staff_of(session, request.requester))) if request.requester else []
    if request.created_by_id is not None and request.created_by_id not in {u.id for u in users}:
        users += _active(session, User.id == request.created_by_id)
    return users


AUDIENCES: dict[str, Audience] = {
    "compilers": compilers,
    "county_reviewers": county_reviewers,
    "city_reviewers": city_reviewers,
    "authority": authority,
    "requester": requester_side,
}

#: ``(request type, stage or level)`` → audience name (or an :data:`Audience` function).
#: ``(request type, None)`` covers the type's other positions.
WHO_ACTS: dict[tuple[str, str | None], str | Audience] = {
    ("review", "county"): "county_reviewers",
    ("review", "city"): "city_reviewers",
    ("review", "authority"): "authority",
    ("emergency_filing", None): "authority",
}

#: A stage or level named like a reviewing level is that level's, whatever the type
#: (demands aggregated by the county and reviewed by the city; coordination by the authority).
DEFAULT_BY_POSITION: dict[str, str] = {
    "county": "county_reviewers",
    "city": "city_reviewers",
    "authority": "authority",
    "coordination": "authority",
    "review": "authority",  # the authority's review of an answer (fuzhou §24) or of a catalog update (nanyang §22)
}

#: Otherwise the department the request is addressed to acts on it.
DEFAULT_AUDIENCE = "compilers"

#: Request type → who is told of its decision, when not who asked (:func:`requester_side`). A review
#: step's creator is the previous level's reviewer; the department that submitted is who waits.
WHO_ASKED: dict[str, str | Audience] = {
    "review": "compilers",
    "emergency_filing": "compilers",
}


def who_acts(type_name: str, position: str | None, audience: str | Audience) -> None:
    """Declare who must act on requests of ``type_name`` at ``position`` (a stage or level; ``None``: any other)."""
    WHO_ACTS[(type_name, position)] = _known(audience)


def who_asked(type_name: str, audience: str | Audience) -> None:
    """Declare who is told when requests of ``type_name`` are decided (default: who asked)."""
    WHO_ASKED[type_name] = _known(audience)


def _known(audience: str | Audience) -> str | Audience:
    if isinstance(audience, str) and audience not in AUDIENCES:
        raise KeyError(f"unknown audience {audience!r}; choose one of {', '.join(AUDIENCES)}")
    return audience


def audience_for(request: Request) -> str | Audience:
    """The rule that names who must act on ``request`` where it stands now."""
    for position in (request.stage, request.level):
        if position is not None and (request.type, position) in WHO_ACTS:
            return WHO_ACTS[(request.type, position)]
    if (request.type, None) in WHO_ACTS:
        return WHO_ACTS[(request.type, None)]
    for position in (request.stage, request.level):
        if position in DEFAULT_BY_POSITION:
            return DEFAULT_BY_POSITION[position]
    return DEFAULT_AUDIENCE


def _resolve(session: Session, request: Request, audience: str | Audience) -> list[User]:
    users = (AUDIENCES[audience] if isinstance(audience, str) else audience)(session, request)
    return [u for u in users if u.role in CATALOG_ROLES and u.is_active]  # a domain's own audience obeys 三员分立 too


def acting_users(session: Session, request: Request) -> list[User]:
    """The users who must act on ``request`` now."""
    return _resolve(session, request, audience_for(request))


def asking_users(session: Session, request: Request) -> list[User]:
    """The users who asked for ``request`` (told when it is decided)."""
    return _resolve(session, request, WHO_ASKED.get(request.type, "requester"))


def without(users: Iterable[User], user_id: int | None) -> list[User]:
    """``users`` less the one who caused the event: nobody is told what they just did."""
    return [u for u in users if u.id != user_id]
