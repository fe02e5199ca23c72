"""The matter catalog (事项清单) as an Excel workbook: export, and an all-or-nothing import
with a per-row error report (written to the hall by services/matter_catalog.py)."""

from .workbook import CatalogImportError, RowError, export_workbook, read_workbook

__all__ = ["CatalogImportError", "RowError", "export_workbook", "read_workbook"]
