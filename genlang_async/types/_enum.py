"""Base of the generated enums (hand-written); its own module so the converter can use it
without importing the model base (which imports the converter)."""

from __future__ import annotations

import enum

__all__ = ["WireEnum"]


class WireEnum(str, enum.Enum):
    """Base of the API enums: members are their wire strings.

    Fields typed ``SomeEnum | str`` hold a member for known values and the raw wire value
    for values this SDK version does not know yet (never an error).
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)
