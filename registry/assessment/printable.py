"""The annual report as a standalone HTML page, rendered without the web application (``mulu assessment annual -o x.html``).

The back office serves the same template; here it gets the same ``_`` (untranslated:
reports are filed in Chinese) and ``tr`` as there.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from registry.core.i18n import translate

from .annual import AnnualReport
from .charts import annual_charts


def render_annual_html(report: AnnualReport) -> str:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)
    env.filters["tr"] = translate
    return env.get_template("assessment/annual.html").render(report=report, charts=annual_charts(report))
