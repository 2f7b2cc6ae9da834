"""The Chinese names of audit action tags, for every screen that lists events."""
from __future__ import annotations

TAG_LABELS = {
    "auth:login": "登录",
    "auth:login_failed": "登录失败",
    "auth:login_locked": "账号锁定",
    "auth:logout": "退出登录",
    "calendar:set": "修改工作日历",
    "org:create": "新建机构",
    "user:create": "新建用户",
    "import:commit": "导入目录",
    "import:reject": "导入被拒绝",
    "item:create": "新建条目",
    "item:create_published": "导入已发布条目",
    "item:update": "修改条目",
    "item:propose_change": "提出变更",
    "item:propose_retire": "申请注销",
    "item:retire": "注销条目",
    "item:publish": "发布条目",
    "item:submit": "提交审核",
    "item:withdraw": "撤回提交",
    "item:return": "退回条目",
    "item:emergency_share": "应急调整共享属性",
    "item:emergency_share_end": "结束应急调整",
    "change:approve": "批准变更",
    "change:reject": "驳回变更",
    "review:open": "送审",
    "review:approve": "审核通过",
    "review:return": "审核退回",
    "review:cancel": "撤销审核",
    "review:comment": "审核意见",
    "emergency_filing:open": "应急调整报备",
    "emergency_filing:acknowledge": "应急调整备案",
    "emergency_filing:comment": "备案意见",
}


def tag_label(tag: str) -> str:
    """The Chinese name of a tag; an unknown tag (a newer domain's) is shown as it is."""
    return TAG_LABELS.get(tag, tag)
