"""The comparator's error: a PcfError, so the CLI prints it as one line (file, field, what was expected)."""

from __future__ import annotations

from ..errors import PcfError


class EnergyError(PcfError):
    """An energy-comparison configuration is invalid, or its operating conditions are impossible."""
