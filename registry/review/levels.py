"""Which review levels an entry passes, and who decides at each."""
from __future__ import annotations

from registry.accounts.permissions import county_of
from registry.catalog.models import ItemChange
from registry.core.i18n import N_
from registry.orgs.models import Organisation
from registry.profiles import Profile

LEVEL_LABELS = {"county": N_("县级审核"), "city": N_("市级审核"), "authority": N_("主管部门审批")}
LEVEL_PERMISSIONS = {"county": "review:county", "city": "review:city", "authority": "review:authority"}


def review_levels(profile: Profile, provider: Organisation, change: ItemChange | None = None) -> list[str]:
    """The levels after the department's own submission, in order.

    The county level applies to organisations inside a county (a city
    department goes straight to the city); a change the regulation puts under
    the data authority's consent (binzhou §11, §25) ends with the authority.
    """
    levels = [level for level in profile.review_levels if level in LEVEL_LABELS]
    if "county" in levels and county_of(provider) is None:
        levels.remove("county")
    if "city" not in levels:  # only the city level publishes (``item:publish``); a chain always reaches it
        levels.append("city")
    if change is not None and change.requires_authority and levels[-1] != "authority":
        levels.append("authority")
    return levels


def next_level(levels: list[str], level: str | None) -> str | None:
    if level not in levels:
        return levels[0] if levels else None
    index = levels.index(level)
    return levels[index + 1] if index + 1 < len(levels) else None
