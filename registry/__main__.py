"""``python -m registry`` is the same as ``mulu``."""
from registry.cli import main

main()
