"""The error of the design comparator (its own module so that scenario and programme models can both raise it)."""

from __future__ import annotations

from ..errors import BomError


class ScenarioError(BomError):
    """A scenario file is invalid, or one of its edits cannot be applied to the BOM (e.g. it matches nothing)."""
