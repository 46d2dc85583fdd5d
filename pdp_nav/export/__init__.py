"""Exports of a tree for scripts and for sharing: paths, graph, catalogue, HTML page, diff.

Pure modules: they build text or write to a handle they are given, and never print.
Every machine-readable layout is described in ``docs/formats.md`` and published as a
JSON Schema in ``docs/schema/``; bump ``FORMAT_VERSION`` on any incompatible change.
"""

FORMAT_VERSION = 1

EXCEL_BOM = "\ufeff"
"""Starts a ``csv-excel`` file: French Excel then reads UTF-8 accents correctly (issue #17)."""
EXCEL_DELIMITER = ";"
"""French Excel splits cells on « ; » (« , » is the decimal separator there)."""
