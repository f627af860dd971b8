"""A mapping worked out the first time it is read: for what a run may never need."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

_K = TypeVar("_K")
_V = TypeVar("_V")


class Deferred(Mapping[_K, _V], Generic[_K, _V]):
    """`make(*args)`'s mapping, made when first read and kept (a manifest's spec as
    written, which a plan shows only for the objects it creates; the manifests' lines,
    which only an error names; a system's models, which only its manifests need). One is
    kept per desired object: no partial, no bound method, no instance dictionary (at
    20,000 objects a `partial` with keywords took ~6 MB more)."""

    __slots__ = ("_args", "_made", "_make")

    def __init__(self, make: Callable[..., Mapping[_K, _V]], *args: Any) -> None:
        self._make = make
        self._args = args
        self._made: Mapping[_K, _V] | None = None

    def _mapping(self) -> Mapping[_K, _V]:
        if self._made is None:
            self._made = self._make(*self._args)
        return self._made

    def __getitem__(self, key: _K) -> _V:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())
