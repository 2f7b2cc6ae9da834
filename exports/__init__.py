"""Exports: one unit per format, all reading the catalog through :mod:`exports.source`.

A format registers an :class:`exports.base.ExportFormat`; :func:`exports.service.run_export`
is the one entry point for the CLI (``mulu export``), the REST API and the back office.
"""
