"""A small evaluator of the spreadsheet formulas pcf writes (for tests): numbers, text, cell references and
ranges (with an optional sheet and $), + - * /, parentheses, SUM and SUMIF. Anything else is an error, so a
formula pcf writes that Excel would read differently cannot pass silently."""

from __future__ import annotations

import operator
import re

from openpyxl.utils import column_index_from_string

TOKEN = re.compile(r"""\s*(?:
    (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<string>"[^"]*")
  | (?P<ref>(?:(?:'[^']+'|[A-Za-z_][\w.]*)!)?\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)
  | (?P<func>[A-Z]+)\(
  | (?P<op>[-+*/(),])
)""", re.VERBOSE)
CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


class Evaluator:
    """evaluate(sheet, 'B2'): the value of a cell, formulas evaluated recursively (memoised)."""

    def __init__(self, workbook):
        self.wb = workbook
        self.memo: dict[tuple[str, int, int], object] = {}

    def evaluate(self, sheet: str, address: str):
        m = CELL.fullmatch(address)
        return self.value(sheet, int(m.group(2)), column_index_from_string(m.group(1)))

    def value(self, sheet: str, row: int, col: int):
        key = (sheet, row, col)
        if key not in self.memo:
            raw = self.wb[sheet].cell(row=row, column=col).value
            self.memo[key] = self.formula(sheet, raw[1:]) if isinstance(raw, str) and raw.startswith("=") else raw
        return self.memo[key]

    def formula(self, sheet: str, text: str):
        tokens, pos = [], 0
        while pos < len(text):
            m = TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ValueError(f"cannot read formula {text!r} at {pos}")
            kind = m.lastgroup
            tokens.append((kind, m.group(kind)))
            pos = m.end()
        saved = (getattr(self, "tokens", None), getattr(self, "i", 0), getattr(self, "sheet", None))
        self.tokens, self.i, self.sheet = tokens, 0, sheet  # a reference evaluates its own formula re-entrantly
        try:
            value = self._expr()
            if self.i != len(tokens):
                raise ValueError(f"trailing tokens in {text!r}")
            return value
        finally:
            self.tokens, self.i, self.sheet = saved

    # recursive descent
    def _peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def _take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _expr(self):
        return self._left_assoc(self._term, "+-")

    def _term(self):
        return self._left_assoc(self._factor, "*/")

    def _left_assoc(self, operand, ops: str):
        """operand (op operand)*, evaluated left to right, for the two binary operators in ops."""
        value = operand()
        while self._peek()[0] == "op" and self._peek()[1] in ops:
            op = self._take()[1]
            right = operand()
            value = BINARY[op](value, right)
        return value

    def _factor(self):
        kind, text = self._take()
        if (kind, text) == ("op", "-"):
            return -self._factor()
        if (kind, text) == ("op", "("):
            value = self._expr()
            assert self._take() == ("op", ")")
            return value
        if kind == "number":
            return float(text)
        if kind == "string":
            return text[1:-1]
        if kind == "ref":
            cells = self._cells(text)
            return cells if ":" in text else cells[0]
        if kind == "func":
            args = []
            while self._peek() != ("op", ")"):
                args.append(self._expr())
                if self._peek() == ("op", ","):
                    self._take()
            self._take()
            return self._call(text, args)
        raise ValueError(f"unexpected token {text!r}")

    def _cells(self, ref: str) -> list:
        sheet = self.sheet
        if "!" in ref:
            sheet, ref = ref.rsplit("!", 1)
            sheet = sheet.strip("'")
        first, _, last = ref.partition(":")
        a, b = CELL.fullmatch(first), CELL.fullmatch(last or first)
        rows = range(int(a.group(2)), int(b.group(2)) + 1)
        cols = range(column_index_from_string(a.group(1)), column_index_from_string(b.group(1)) + 1)
        return [self.value(sheet, r, c) for r in rows for c in cols]

    @staticmethod
    def _call(name: str, args: list):
        if name == "SUM":
            return sum(float(v) for arg in args for v in (arg if isinstance(arg, list) else [arg])
                       if isinstance(v, (int, float)))
        if name == "SUMIF":
            keys, criterion, values = args
            return sum(float(v) for k, v in zip(keys, values) if k == criterion and isinstance(v, (int, float)))
        raise ValueError(f"function {name} is not one pcf writes")
