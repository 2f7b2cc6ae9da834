"""The fill-in template for the active profile: the national one-row-per-信息项 layout,
with drop-down lists for every vocabulary, required columns marked, instructions,
examples and a hidden version marker.

Columns come from the element specs, so the template, the importer and the
validation can never disagree about names or vocabularies.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from importers.layouts import NON_DATA_SHEETS  # noqa: F401  (the sheets below the importer skips)
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS, ElementSpec
from registry.catalog.validation import vocabulary
from registry.profiles import Profile

TEMPLATE_VERSION = 1
MARKER_SHEET = "_mulu"
DATA_SHEET = "目录"
VALIDATED_ROWS = 5000

_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_ITEM_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIELD_FILL = PatternFill("solid", fgColor="E2EFDA")
_BOLD = Font(bold=True)
_PROVIDER_CODE = ElementSpec("provider_code", "信息资源提供方代码", "text", help="统一社会信用代码；与提供方名称填一项即可")
_SKIPPED_ITEM_KEYS = {"code"}


def template_columns() -> list[tuple[str, ElementSpec]]:
    """(level, spec) in template order: resource columns, then the 信息项 columns."""
    items: list[tuple[str, ElementSpec]] = []
    for spec in ITEM_ELEMENTS:
        items.append(("item", spec))
        if spec.key == "provider":
            items.append(("item", _PROVIDER_CODE))
    return items + [("field", spec) for spec in FIELD_ELEMENTS]


def header_text(level: str, spec: ElementSpec) -> str:
    """``*`` marks what every resource must fill in; a 信息项's name is only needed when it has fields,
    and the provider may come from the upload's organisation instead."""
    return f"*{spec.label}" if spec.required and level == "item" and spec.key != "provider" else spec.label


def _choices(profile: Profile, spec: ElementSpec) -> list[str] | None:
    if spec.kind == "bool":
        return ["是", "否"]
    if spec.key == "class_code":
        return [node.code for node in profile.classification]
    if spec.key == "item_code":
        return sorted({child.code for node in profile.classification for child in node.children})
    if spec.kind == "vocab":
        vocab = vocabulary(profile, spec.vocab or spec.key)
        if spec.vocab == "data_type":
            return [f"{t.label}（{t.value}）" for t in vocab.terms]
        return vocab.labels()
    return None


def build_template(profile: Profile) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = DATA_SHEET
    vocab_sheet = workbook.create_sheet("词表")
    columns = template_columns()
    for index, (level, spec) in enumerate(columns, start=1):
        header = header_text(level, spec)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.fill = _REQUIRED_FILL if header.startswith("*") else (_ITEM_FILL if level == "item" else _FIELD_FILL)
        if spec.help:
            cell.comment = Comment(spec.help, "Mulu")
        sheet.column_dimensions[get_column_letter(index)].width = 28 if spec.kind == "longtext" else 16
        choices = _choices(profile, spec)
        if choices:
            _add_dropdown(sheet, vocab_sheet, index, spec.label, choices)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 36
    vocab_sheet.sheet_state = "hidden"
    _add_instructions(workbook, profile, columns)
    _add_examples(workbook, columns)
    marker = workbook.create_sheet(MARKER_SHEET)
    marker.append(["mulu-template", TEMPLATE_VERSION, profile.name])
    marker.sheet_state = "veryHidden"
    return workbook


def _add_dropdown(sheet, vocab_sheet, column: int, label: str, choices: list[str]) -> None:
    vocab_column = vocab_sheet.max_column + 1 if vocab_sheet.max_row > 1 or vocab_sheet["A1"].value else 1
    letter = get_column_letter(vocab_column)
    vocab_sheet.cell(row=1, column=vocab_column, value=label)
    for row, choice in enumerate(choices, start=2):
        vocab_sheet.cell(row=row, column=vocab_column, value=choice)
    validation = DataValidation(
        type="list", formula1=f"=词表!${letter}$2:${letter}${len(choices) + 1}", allow_blank=True,
        showErrorMessage=True, errorTitle="请从下拉列表中选择", error=f"“{label}”请从下拉列表中选择",
    )
    target = get_column_letter(column)
    validation.add(f"{target}2:{target}{VALIDATED_ROWS}")
    sheet.add_data_validation(validation)


def _add_instructions(workbook: Workbook, profile: Profile, columns) -> None:
    sheet = workbook.create_sheet("填写说明", 0)
    lines = [
        f"政务数据资源目录填报模板（{profile.label}，模板版本 {TEMPLATE_VERSION}）",
        "",
        "1. 在“目录”工作表中每行填写一个信息项；同一资源的多个信息项连续填写，资源各列只需在第一行填写（也可合并单元格或每行重复）。",
        "2. 表头带 * 的为必填项；带下拉箭头的列请从列表中选择。",
        "3. 信息资源提供方填写机构全称或统一社会信用代码；信息资源代码留空时由系统生成。",
        "4. 有条件共享须填写共享条件；不予共享须填写依据；有条件开放须填写开放条件。",
        "5. 数据库、电子表格类资源须逐项列出信息项并填写数据类型。",
        "6. 请勿使用公式；重复上传同一文件不会产生重复条目，修改后上传会更新原条目（已发布条目转为变更待审）。",
        "",
        "资源分类（类 / 项）：",
    ]
    for node in profile.classification:
        lines.append(f"  {node.code} {node.label}：" + "；".join(f"{c.code} {c.label}" for c in node.children))
    lines += ["", "适用的规则："]
    from registry.catalog.rules import RULES

    lines += [f"  · {RULES[r].summary}（{profile.citation(r)}）" for r in profile.rules if r in RULES]
    for row, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=text).font = _BOLD if row == 1 else Font()
    sheet.column_dimensions["A"].width = 120


# (resource values on the first row only, 信息项 values) per example row.
_EXAMPLE_ROWS: list[tuple[dict[str, object], dict[str, object]]] = [
    ({"class_code": "3", "item_code": "07", "category_code": "411", "name": "企业登记信息", "provider": "某市市场监督管理局",
      "summary": "本市登记注册企业的基本信息。", "format_class": "数据库", "format_type": "oracle", "share_type": "无条件共享",
      "share_method_class": "共享平台方式", "share_method_type": "接口", "open_type": "无条件开放", "update_cycle": "每日",
      "subject": "法人"},
     {"name": "统一社会信用代码", "technical_name": "TYSHXYDM", "data_type": "字符型（C）", "length": 18, "is_primary_key": "是"}),
    ({}, {"name": "企业名称", "technical_name": "QYMC", "data_type": "字符型（C）", "length": 200}),
    ({}, {"name": "成立日期", "technical_name": "CLRQ", "data_type": "日期型（D）", "length": 8}),
]


def _add_examples(workbook: Workbook, columns) -> None:
    sheet = workbook.create_sheet("示例", 1)
    sheet.append([header_text(level, spec) for level, spec in columns])
    for item, field in _EXAMPLE_ROWS:
        sheet.append([(item if level == "item" else field).get(spec.key) for level, spec in columns])
    sheet.freeze_panes = "A2"


def write_template(profile: Profile, path: str | Path) -> None:
    build_template(profile).save(str(path))
