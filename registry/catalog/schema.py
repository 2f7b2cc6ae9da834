"""The declarative description of a catalog entry: one list drives everything.

Validation (:mod:`registry.catalog.validation`), forms, Excel templates,
search mapping and exports read these specs rather than repeating element
names, labels and vocabularies of their own.
"""
from __future__ import annotations

from dataclasses import dataclass

from registry.core.i18n import N_


@dataclass(frozen=True)
class ElementSpec:
    """One metadata element of an item or a field.

    ``kind`` is one of text, longtext, vocab, date, bool, int, float, list, org.
    ``vocab`` names the profile vocabulary for ``vocab`` elements; ``core`` is
    the element's number among the 13 core elements of the 1272 guide.
    """

    key: str
    label: str
    kind: str = "text"
    required: bool = False
    vocab: str | None = None
    max_length: int | None = None
    core: int | None = None
    synonyms: tuple[str, ...] = ()
    help: str = ""
    max_value: float | None = None  # for int/float kinds: what the column can hold
    min_value: float | None = None  # for int/float kinds: the least the column accepts (0 when unset)


ITEM_ELEMENTS: tuple[ElementSpec, ...] = (
    ElementSpec("class_code", N_("类"), "text", True, max_length=1, core=1, synonyms=("信息资源分类", "资源分类类", "部门类信息资源分类"),
                help=N_("1 基础信息资源目录、2 主题信息资源目录、3 部门信息资源目录")),
    ElementSpec("item_code", N_("项"), "text", True, max_length=2, core=1, help=N_("两位数字")),
    ElementSpec("category_code", N_("目"), "text", max_length=3, core=1, help=N_("三位数字")),
    ElementSpec("subcategory_code", N_("细目"), "text", max_length=12, core=1, help=N_("数字；部门目录默认取提供方的目录编码段")),
    ElementSpec("name", N_("信息资源名称"), "text", True, max_length=200, core=2,
                synonyms=("资源名称", "目录名称", "数据集名称", "名称", "标题", "数据目录名称")),
    ElementSpec("code", N_("信息资源代码"), "text", max_length=64, core=3, synonyms=("资源代码", "目录代码"),
                help=N_("新建时由系统按分类码/顺序码生成")),
    ElementSpec("provider", N_("信息资源提供方"), "org", True, core=4,
                synonyms=("提供方", "资源提供方", "提供单位", "提供部门", "数据提供方", "数源单位", "来源部门")),
    ElementSpec("provider_unit", N_("提供方内部部门"), "org", synonyms=("下设机构", "内设机构", "提供方内部部门/下设机构")),
    ElementSpec("summary", N_("信息资源摘要"), "longtext", True, max_length=2000, core=6,
                synonyms=("摘要", "资源摘要", "数据摘要", "描述", "资源描述", "简介")),
    ElementSpec("format_class", N_("信息资源格式分类"), "vocab", True, vocab="format_class", core=7, synonyms=("格式分类", "资源格式分类")),
    ElementSpec("format_type", N_("信息资源格式类型"), "text", max_length=64, core=7, synonyms=("格式类型", "资源格式类型", "数据格式")),
    ElementSpec("format_description", N_("其他类型资源格式描述"), "text", max_length=500, core=7),
    ElementSpec("share_type", N_("共享类型"), "vocab", True, vocab="share_type", core=9, synonyms=("共享属性",)),
    ElementSpec("share_condition", N_("共享条件"), "longtext", max_length=2000, core=9),
    ElementSpec("share_basis", N_("共享依据"), "longtext", max_length=2000, core=9,
                synonyms=("不予共享依据", "共享条件/不予共享依据", "法律法规依据"),
                help=N_("有条件共享、不予共享须写明法律、法规或政策依据")),
    ElementSpec("share_method_class", N_("共享方式分类"), "vocab", vocab="share_method", core=9),
    ElementSpec("share_method_type", N_("共享方式类型"), "vocab", vocab="share_method_type", core=9, synonyms=("共享方式",)),
    ElementSpec("open_type", N_("开放类型"), "vocab", True, vocab="open_type", core=10, synonyms=("是否向社会开放", "开放属性")),
    ElementSpec("open_condition", N_("开放条件"), "longtext", max_length=2000, core=10),
    ElementSpec("open_basis", N_("开放依据"), "longtext", max_length=2000, core=10, synonyms=("不予开放依据",)),
    ElementSpec("open_theme", N_("开放主题分类"), "text", max_length=60, synonyms=("数据领域", "重点领域")),
    ElementSpec("update_cycle", N_("更新周期"), "vocab", True, vocab="update_cycle", core=11, synonyms=("更新频率", "更新频度", "更新时限")),
    ElementSpec("publish_date", N_("发布日期"), "date", core=12, synonyms=("发布时间", "首次发布日期")),
    ElementSpec("related_codes", N_("关联资源代码"), "list", core=13, synonyms=("关联及类目名称",)),
    ElementSpec("related_business", N_("关联业务事项"), "text", max_length=500),
    ElementSpec("security_grade", N_("安全级别"), "vocab", vocab="security_grade", synonyms=("数据分级", "安全等级", "敏感级别")),
    ElementSpec("subject", N_("数据主体"), "vocab", vocab="subject", help=N_("自然人、法人或其他")),
    ElementSpec("has_personal_data", N_("是否涉及个人信息"), "bool"),
    ElementSpec("source_system", N_("来源信息系统"), "text", max_length=200, synonyms=("所属信息系统", "所属系统")),
    ElementSpec("is_purchased", N_("是否采购的第三方数据"), "bool"),
    ElementSpec("purchase_source", N_("第三方数据来源"), "text", max_length=200),
    ElementSpec("tags", N_("标签"), "list", synonyms=("关键字", "数据标签")),
    ElementSpec("storage_total", N_("数据存储总量"), "float", synonyms=("数据存储总量(MB)",)),
    ElementSpec("record_total", N_("结构化信息记录总数"), "int", max_value=2**63 - 1),
    ElementSpec("shared_storage", N_("已共享的数据存储量"), "float"),
    ElementSpec("shared_records", N_("已共享的结构化记录数"), "int", max_value=2**63 - 1),
    ElementSpec("open_storage", N_("已开放的数据存储量"), "float"),
    ElementSpec("open_records", N_("已开放的结构化记录数"), "int", max_value=2**63 - 1),
)

FIELD_ELEMENTS: tuple[ElementSpec, ...] = (
    ElementSpec("name", N_("信息项名称"), "text", True, max_length=200, core=8, synonyms=("数据项名称", "字段名称", "中文信息项名", "业务名称")),
    ElementSpec("technical_name", N_("信息项英文名"), "text", max_length=128, synonyms=("英文名称", "技术名称", "字段英文名")),
    ElementSpec("data_type", N_("数据类型"), "vocab", vocab="data_type", core=8),
    ElementSpec("length", N_("数据长度"), "int", synonyms=("长度", "字段长度"), max_value=2**31 - 1, min_value=1),
    ElementSpec("description", N_("信息项描述"), "longtext", max_length=2000, synonyms=("描述", "中文描述")),
    ElementSpec("share_type", N_("信息项共享类型"), "vocab", vocab="share_type", synonyms=("字段共享类型",)),
    ElementSpec("share_condition", N_("信息项共享条件"), "longtext", max_length=2000),
    ElementSpec("open_type", N_("信息项开放类型"), "vocab", vocab="open_type", synonyms=("是否开放",)),
    ElementSpec("open_condition", N_("信息项开放条件"), "longtext", max_length=2000),
    ElementSpec("is_sensitive", N_("是否敏感"), "bool", synonyms=("敏感属性",)),
    ElementSpec("is_secret", N_("是否涉密"), "bool", synonyms=("涉密属性",)),
    ElementSpec("is_primary_key", N_("是否主键"), "bool"),
    ElementSpec("identifier_kind", N_("标识类型"), "vocab", vocab="identifier_kind"),
    ElementSpec("example_value", N_("示例值"), "text", max_length=200),
)

ITEM_BY_KEY = {e.key: e for e in ITEM_ELEMENTS}
FIELD_BY_KEY = {e.key: e for e in FIELD_ELEMENTS}

#: Elements stored as columns of ``catalog_item`` under the same name.
ITEM_COLUMNS = tuple(e.key for e in ITEM_ELEMENTS if e.kind != "org" and e.key != "code")

#: Elements compared when computing a field-level diff of an item.
DIFF_ITEM_KEYS = tuple(e.key for e in ITEM_ELEMENTS if e.key != "code")
DIFF_FIELD_KEYS = tuple(e.key for e in FIELD_ELEMENTS)
