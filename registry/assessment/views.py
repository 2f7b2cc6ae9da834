"""考核 in the back office: the period's table and charts, the workbook, and the annual reports (printable)."""
from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_babel import lazy_gettext

from registry.accounts.models import Role
from registry.app import request_context
from registry.core.context import Context
from registry.core.errors import ConfigError, MuluError, NotFound, PermissionDenied
from registry.core.localtime import local_today
from registry.office.admin import OfficeView

from .annual import annual_report
from .charts import annual_charts, assessment_charts
from .indicators import INDICATORS
from .operations import assess
from .periods import parse_period
from .report import XLSX, annual_workbook, assessment_workbook, workbook_bytes

TEMPLATES = str(Path(__file__).parent / "templates")


class AssessmentView(OfficeView):
    """``/admin/assessment/``: a period's assessment; ``/report.xlsx``; ``/annual`` and ``/annual.xlsx``."""

    roles = (Role.COMPILER, Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.AUTHORITY_ADMIN)
    templates_dir = TEMPLATES

    def _respond(self, work: Callable[[Context], Any], respond: Callable[[Any], Any]):
        """Compute with the signed-in user's context and answer; a refusal is a 403/404, bad input is explained."""
        self.require_role()
        try:
            found = work(request_context())
        except ConfigError:
            raise  # the profile lacks its assessment section: the operator's to fix, not the user's
        except PermissionDenied:
            abort(403)
        except NotFound:
            abort(404)
        except MuluError as exc:
            flash(str(exc), "error")
            return redirect(url_for(".index"))
        return respond(found)

    @staticmethod
    def _assess(ctx: Context):
        period = (request.args.get("period") or str(local_today().year)).strip()
        return assess(ctx, parse_period(period), (request.args.get("org") or "").strip() or None)

    @staticmethod
    def _annual(ctx: Context):
        return annual_report(ctx, request.args.get("year"), (request.args.get("org") or "").strip() or None)

    @expose("/")
    def index(self):
        return self._respond(self._assess, lambda result: self.render(
            "assessment/index.html", result=result, period_key=request.args.get("period") or result.period.key,
            org_code=request.args.get("org") or "", charts=assessment_charts(result), this_year=local_today().year,
            indicators=INDICATORS))

    @expose("/report.xlsx")
    def report(self):
        return self._respond(self._assess, lambda result: send_file(
            BytesIO(workbook_bytes(assessment_workbook(result))), mimetype=XLSX, as_attachment=True,
            download_name=f"assessment-{result.period.key}.xlsx"))

    @expose("/annual")
    def annual(self):
        """The annual report as a printable page (nanyang §60)."""
        return self._respond(self._annual, lambda report: self.render(
            "assessment/annual.html", report=report, charts=annual_charts(report),
            back=url_for(".index", period=report.year),
            xlsx_url=url_for(".annual_xlsx", year=report.year, org=report.org.code if report.org else None)))

    @expose("/annual.xlsx")
    def annual_xlsx(self):
        return self._respond(self._annual, lambda report: send_file(
            BytesIO(workbook_bytes(annual_workbook(report))), mimetype=XLSX, as_attachment=True,
            download_name=f"annual-report-{report.year}{'-' + report.org.code if report.org else ''}.xlsx"))


def register(admin) -> None:
    admin.add_view(AssessmentView(name=lazy_gettext("考核"), endpoint="assessments", url="/admin/assessment"))
