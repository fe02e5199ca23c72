"""The whole schema: every table module imported once, for migrations and schema checks."""

from __future__ import annotations

from . import case_models, models, rating_models, stats_models
from .types import Base

metadata = Base.metadata
TABLE_MODULES = (models, case_models, rating_models, stats_models)
