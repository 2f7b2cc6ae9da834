"""WSGI entry point for a production server: ``gunicorn wsgi:app``."""
import sys

from registry.app import create_app
from registry.core.errors import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a clear message instead of a traceback in the server log
    sys.exit(f"Mulu 无法启动：{exc}")
