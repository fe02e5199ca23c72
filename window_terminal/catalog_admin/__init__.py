"""The administrator's matter catalog page (/admin/matters): list, search, edit, add."""
