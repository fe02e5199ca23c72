"""The matter catalog (事项清单) as an Excel workbook: export, and an all-or-nothing import
with a per-row error report."""

from .store import apply_catalog, catalog_rows
from .workbook import CatalogImportError, RowError, export_workbook, read_workbook

__all__ = ["CatalogImportError", "RowError", "apply_catalog", "catalog_rows", "export_workbook", "read_workbook"]
