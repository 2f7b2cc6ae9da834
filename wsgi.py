"""WSGI entry point for a production server: ``gunicorn wsgi:app``."""
import sys

from registry.app import create_app
from registry.core.errors import ConfigError
from registry.search.analysis import warm_up

try:
    app = create_app()
except ConfigError as exc:  # a clear message instead of a traceback in the server log
    sys.exit(f"Mulu 无法启动：{exc}")

# jieba loads its dictionary (about a second) on first use: let each worker pay that as it starts
# (or the master, once, with --preload), not the first user to search or save.
warm_up()
