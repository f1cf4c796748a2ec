"""One small error hierarchy. Every user error says where (file, row, column) and what was expected."""

from __future__ import annotations


class PcfError(Exception):
    """Base class of every error pcf raises on purpose (a user or data error, never a bug)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ):
        self.message = message
        self.file = file
        self.row = row
        self.column = column
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        """One readable line: where, what, and what was expected."""
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = (", ".join(where) + ": " if where else "") + self.message
        if self.expected:
            text += f" (expected {self.expected})"
        return text


class BomError(PcfError):
    """The bill of materials cannot be read or is invalid."""


class GraphError(BomError):
    """The product graph built from a BOM is inconsistent (cycle, orphan, unit mismatch)."""


class UnitError(PcfError):
    """A unit is unknown or cannot be converted to the unit required."""


class DataError(PcfError):
    """The LCI data (lci_data/ or an imported background) are invalid or incomplete."""


class MappingError(PcfError):
    """A BOM line refers to a dataset the background does not hold."""


class SolveError(PcfError):
    """The linear system could not be solved (singular or inconsistent matrices)."""
