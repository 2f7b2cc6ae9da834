"""Spreadsheet importers (one module per layout); they write only through registry operations."""
