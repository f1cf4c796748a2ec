"""Deeply immutable JSON-like values: `freeze` turns dicts into FrozenDict and lists into tuples; `thaw` undoes it.

A FrozenDict is a dict (JSON encoders, pandas and `isinstance(x, dict)` keep working) whose contents cannot be
changed: every mutating method raises TypeError. Result uses them for its document-like fields.
"""

from __future__ import annotations

from typing import Any


class FrozenDict(dict):
    """A dict that refuses changes after construction."""

    __slots__ = ()

    def _refuse(self, *_args, **_kwargs):
        raise TypeError("a FrozenDict cannot be changed; build a new one (e.g. {**d, key: value})")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse

    def __reduce__(self):
        return (FrozenDict, (dict(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def freeze(value: Any) -> Any:
    """The value with every dict (recursively) a FrozenDict and every list a tuple."""
    if isinstance(value, FrozenDict):
        return value
    if isinstance(value, dict):
        return FrozenDict((k, freeze(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for JSON documents and callers that edit a copy)."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    return value
