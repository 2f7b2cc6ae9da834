"""The Chinese text of a notice: what happened to which request, and by when it must be done."""
from __future__ import annotations

from datetime import date

from registry.requests.engine import REQUEST_TYPES
from registry.requests.models import Request

#: The reviewing level a request sits at, said in a few words (a review step's title does not say it).
LEVEL_WORDS = {"county": "县级", "city": "市级", "authority": "数据主管部门"}


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _what(request: Request) -> str:
    """``目录审核“某条目（代码）编目”（县级）``: the type, the title, the level."""
    request_type = REQUEST_TYPES.get(request.type)
    label = request_type.label if request_type else request.type
    level = LEVEL_WORDS.get(request.level or "")
    return f"{label}“{request.title}”" + (f"（{level}）" if level else "")


def _by(request: Request) -> str:
    return f"，请于{chinese_date(request.due_at)}前办理" if request.due_at else ""


def new_message(request: Request) -> str:
    asked = f"（提出方：{request.requester.name}）" if request.requester is not None else ""
    return f"新的{_what(request)}{asked}待您办理{_by(request)}。"


def stage_message(request: Request) -> str:
    request_type = REQUEST_TYPES.get(request.type)
    stage = request_type.stages.get(request.stage or "") if request_type else None
    if not stage:
        return f"{_what(request)}已转您办理{_by(request)}。"
    return f"{_what(request)}已进入“{stage}”环节，待您办理{_by(request)}。"


def extended_message(request: Request) -> str:
    return f"{_what(request)}的办理期限已延长至{chinese_date(request.due_at)}。"


def decided_message(request: Request) -> str:
    request_type = REQUEST_TYPES.get(request.type)
    state = request_type.state_label(request.state) if request_type else request.state
    reason = f"（理由：{request.decision_reason}）" if request.decision_reason else ""
    return f"{_what(request)}已办结：{state}{reason}。"


def due_soon_message(request: Request) -> str:
    return f"{_what(request)}将于{chinese_date(request.due_at)}到期，请及时办理。"


def overdue_message(request: Request) -> str:
    return f"{_what(request)}的办理期限（{chinese_date(request.due_at)}）已过，已逾期，请尽快办理。"
