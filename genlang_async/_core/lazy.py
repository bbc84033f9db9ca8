"""Messages typed on demand: built from their wire JSON the first time a field is read.

A subclass of a generated class mixes in :class:`LazyFields`, declares ``__slots__ =
("_wire",)`` and sets ``_eager`` to the generated class. Until a field is read the object
holds only the wire dict; then every field is built at once (one ``from_dict``). To the
caller it behaves as the eagerly built object would: same fields, ``==``, ``repr``,
``to_dict()``, ``attrs.evolve``, copies and pickles; only ``type(obj)`` is the subclass.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs

from ..types import WireModel
from .errors import MalformedResponseError

__all__ = ["LazyFields", "check_containers"]


class LazyFields:
    """Mix-in (first base) of a lazily built subclass of a generated class."""

    __slots__ = ()

    _eager: ClassVar[type[WireModel]]
    _wire: dict[str, Any] | None

    def __getattr__(self, name: str) -> Any:
        # Reached only for slots not set yet: the fields before they are built, and
        # ``_wire`` on copies made by attrs (``evolve``, ``copy``), which are built already.
        if name == "_wire":
            return None
        if self._wire is not None and name in attrs.fields_dict(self._eager):
            self._build()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        # A field assigned before it is read: build the others first, so the assignment is
        # what stays (and what ``.text`` and ``to_dict()`` see).
        if name != "_wire" and self._wire is not None and name in attrs.fields_dict(self._eager):
            self._build()
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if self._wire is not None and name in attrs.fields_dict(self._eager):
            self._build()
        super().__delattr__(name)

    def _build(self) -> None:
        """Set every field from the wire JSON, which is then dropped."""
        eager = self._eager
        wire = self._wire
        assert wire is not None
        try:
            built = eager.from_dict(wire)
        except (TypeError, ValueError) as exc:
            message = f"a malformed {eager.__name__} in the response: {exc}"
            raise MalformedResponseError(message) from None
        set_slot = object.__setattr__
        set_slot(self, "_wire", None)
        for field in attrs.fields(eager):
            set_slot(self, field.name, getattr(built, field.name))

    def __eq__(self, other: object) -> bool:
        eager = self._eager
        if not isinstance(other, eager):
            return NotImplemented
        return all(getattr(self, f.name) == getattr(other, f.name) for f in attrs.fields(eager))

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # type: ignore[assignment]  # mutable, like the classes it stands for

    def __repr__(self) -> str:
        shown = super().__repr__()
        return self._eager.__name__ + shown[len(type(self).__name__) :]


#: The JSON kind each container field kind must have on the wire.
_CONTAINER_KINDS: dict[str, type[Any]] = {"list": list, "ref": dict, "map": dict, "struct": dict}


def check_containers(cls: type[WireModel], data: dict[str, Any]) -> None:
    """:class:`MalformedResponseError` unless each field of ``data`` that holds an object or
    a list in ``cls`` is one (a list of messages: of objects): what an answer typed on first
    use is checked for when it arrives. Scalars and deeper levels are checked once built."""
    for _attr, wire, kind in cls._wire_:
        value = data.get(wire)
        if value is None:
            continue
        head, _, rest = kind.partition(":")
        expected = _CONTAINER_KINDS.get(head)
        if expected is None:
            continue
        if not isinstance(value, expected) or (
            head == "list"
            and rest.startswith("ref:")
            and not all(isinstance(item, dict) for item in value)
        ):
            raise MalformedResponseError(
                f"the {cls.__name__} in the response is malformed: {wire!r} is not "
                f"{'a list of objects' if head == 'list' else 'an object'}"
            )
