"""The Chinese names of audit action tags, for every screen that lists events."""
from __future__ import annotations

from registry.core.i18n import N_

TAG_LABELS = {
    # issue 7's processes
    "item:refresh": N_("登记数据更新"),
    "catalog_update:open": N_("登记法律法规或职责变化"),
    "catalog_update:submit_review": N_("报告目录更新完成"),
    "catalog_update:submit_county": N_("报告目录更新完成"),
    "catalog_update:complete": N_("目录更新完成"),
    "catalog_update:forward": N_("县（区）报送目录更新"),
    "catalog_update:accept": N_("县（区）报送目录更新"),
    "catalog_update:confirm": N_("确认目录更新"),
    "catalog_update:return": N_("退回目录更新"),
    "catalog_update:cancel": N_("撤销目录更新"),
    "catalog_update:comment": N_("目录更新意见"),
    "share_request:open": N_("提出共享申请"),
    "share_request:approve": N_("同意共享"),
    "share_request:grant": N_("确定共享范围"),
    "share_request:refuse": N_("不同意共享"),
    "share_request:object": N_("提请协调"),
    "share_request:uphold": N_("维持不同意共享"),
    "share_request:withdraw": N_("撤回共享申请"),
    "share_request:comment": N_("共享申请意见"),
    "share_use:record": N_("登记共享数据使用"),
    "service_change:open": N_("告知共享服务变更"),
    "service_change:done": N_("共享服务变更已实施"),
    "service_change:cancel": N_("取消共享服务变更"),
    "duplicates:resolve": N_("指定数据来源"),
    "mount:add": N_("挂接资源"),
    "mount:remove": N_("移除挂接"),
    "mount:check": N_("挂接检查结果变化"),
    "auth:login": N_("登录"),
    "auth:login_failed": N_("登录失败"),
    "auth:login_locked": N_("账号锁定"),
    "auth:logout": N_("退出登录"),
    "calendar:set": N_("修改工作日历"),
    "org:create": N_("新建机构"),
    "user:create": N_("新建用户"),
    "user:update": N_("修改用户"),
    "user:reset_password": N_("重置口令"),
    "user:unlock": N_("解锁账号"),
    "audit:search": N_("查询审计日志"),
    "audit:export": N_("导出审计日志"),
    "audit:verify": N_("校验哈希链"),
    "audit:purge": N_("清理过期审计日志"),
    "backup:create": N_("备份"),
    "backup:restore": N_("从备份恢复"),
    "import:commit": N_("导入目录"),
    "import:reject": N_("导入被拒绝"),
    "item:create": N_("新建条目"),
    "item:create_published": N_("导入已发布条目"),
    "item:update": N_("修改条目"),
    "item:propose_change": N_("提出变更"),
    "item:propose_retire": N_("申请注销"),
    "item:retire": N_("注销条目"),
    "item:publish": N_("发布条目"),
    "item:submit": N_("提交审核"),
    "item:withdraw": N_("撤回提交"),
    "item:withdraw_change": N_("撤回变更"),
    "item:return": N_("退回条目"),
    "item:emergency_share": N_("应急调整共享属性"),
    "item:emergency_share_end": N_("结束应急调整"),
    "change:approve": N_("批准变更"),
    "change:reject": N_("驳回变更"),
    "review:open": N_("送审"),
    "review:approve": N_("审核通过"),
    "review:return": N_("审核退回"),
    "review:cancel": N_("撤销审核"),
    "review:comment": N_("审核意见"),
    "emergency_filing:open": N_("应急调整报备"),
    "emergency_filing:acknowledge": N_("应急调整备案"),
    "emergency_filing:comment": N_("备案意见"),
}


def tag_label(tag: str) -> str:
    """The Chinese name of a tag (screens translate it with the ``tr`` filter).

    A request's own tags (``demand:accept``) are named from its type's labels; an unknown tag is shown as it is.
    """
    if tag in TAG_LABELS:
        return TAG_LABELS[tag]
    from registry.requests.engine import REQUEST_TYPES  # the engine records through the audit: import late

    type_name, _, action = tag.partition(":")
    request_type = REQUEST_TYPES.get(type_name)
    if request_type is None:
        return tag
    words = {"open": "提出", "comment": "意见", "extend": "延期"}
    named = request_type.actions.get(action)
    return f"{request_type.label}：{named.label if named else words.get(action, action)}"
