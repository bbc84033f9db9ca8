"""Live API sessions: ``async with client.live.connect(model) as session: ...``.

See ``docs/live.md``. The wire messages are the generated ``BidiGenerateContent*`` types in
:mod:`genlang_async.types`.
"""

from __future__ import annotations

from ._connect import Live, LiveConnect
from ._errors import LiveError, LiveProtocolError, LiveResumptionError, LiveSessionClosedError
from ._session import LiveSession
from ._turns import LiveEvent, LiveTurn, Resumed

__all__ = [
    "Live",
    "LiveConnect",
    "LiveError",
    "LiveEvent",
    "LiveProtocolError",
    "LiveResumptionError",
    "LiveSession",
    "LiveSessionClosedError",
    "LiveTurn",
    "Resumed",
]
