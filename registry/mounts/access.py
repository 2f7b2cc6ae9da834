"""Who may attach, check and compile from mounted resources: the item's provider's compilers, the authority, the system.

Declared once here, imported by every module that asks, so the actions exist whichever is imported first.
"""
from __future__ import annotations

from registry.accounts.permissions import (
    any_of,
    compiles_for,
    declare,
    is_authority,
    is_system,
)

declare("mount:manage", any_of(is_system, is_authority, compiles_for), "您只能为本单位的目录挂接或移除资源")
declare("mount:check", any_of(is_system, is_authority, compiles_for), "您只能检查本单位目录挂接的资源")
declare("mount:reflect", any_of(is_system, is_authority, compiles_for), "只有编目人员或数据主管部门可以从数据库反编目")
