"""The demo catalog behind ``mulu demo load``: a fictional city's departments and their data.

:mod:`registry.demo.vocab` holds the word lists, :mod:`registry.demo.generator`
turns them into organisations and entries (pure data, deterministic per seed),
and :mod:`registry.demo.loader` writes them through the service layer.
"""
