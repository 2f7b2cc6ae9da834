"""The export formats; importing this package registers every one of them."""
from exports.formats import plain  # noqa: F401
