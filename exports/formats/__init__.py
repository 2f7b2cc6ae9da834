"""The export formats; importing this package registers every one of them."""
from exports.formats import (
    dcat,  # noqa: F401
    gbt21063,  # noqa: F401
    national,  # noqa: F401
    open_catalog,  # noqa: F401
    package,  # noqa: F401
    plain,  # noqa: F401
    provincial,  # noqa: F401
)
