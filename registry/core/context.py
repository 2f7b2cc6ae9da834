"""What every service operation needs to know about who is acting, where and under which rules."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from registry.profiles import Profile, load_profile

if TYPE_CHECKING:
    from registry.accounts.models import User
    from registry.core.workdays import WorkdayCalendar


@dataclass
class Context:
    """The acting user (``None`` for system jobs and the CLI), their IP, the profile and the session.

    Operations flush through ``session`` and never commit; the caller commits.
    """

    session: Session
    profile: Profile = field(default_factory=load_profile)
    actor: User | None = None
    ip: str | None = None
    _calendar: WorkdayCalendar | None = None

    @property
    def calendar(self) -> WorkdayCalendar:
        if self._calendar is None:
            from registry.core.calendar import load_calendar

            self._calendar = load_calendar(self.session)
        return self._calendar
