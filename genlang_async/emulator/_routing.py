"""Route templates in the API's own notation (``/v1beta/{name=corpora/*}:query``) and dispatch."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from ._errors import ApiError, invalid
from ._int_enums import messages, names_in
from ._request_checks import check_request
from ._wire import load_request

if TYPE_CHECKING:
    from ._faults import Fault
    from ._settings import EmulatorSettings
    from ._state import State

Handler = Callable[["Ctx"], Awaitable[web.StreamResponse]]

_VAR_RE = re.compile(r"\{([A-Za-z_.]+)(?:=([^}]*))?\}")
_SEGMENT = r"[^/:]+"


def compile_template(template: str) -> re.Pattern[str]:
    """Regex for a path template; ``*`` matches one segment, a bare ``{var}`` one segment."""
    out: list[str] = []
    pos = 0
    for match in _VAR_RE.finditer(template):
        out.append(re.escape(template[pos : match.start()]))
        var, pattern = match.group(1), match.group(2)
        if pattern is None:
            inner = _SEGMENT
        else:
            inner = "/".join(_SEGMENT if s == "*" else re.escape(s) for s in pattern.split("/"))
        out.append(f"(?P<{var.replace('.', '__')}>{inner})")
        pos = match.end()
    out.append(re.escape(template[pos:]))
    return re.compile("^" + "".join(out) + "$")


@dataclasses.dataclass
class Route:
    method: str
    template: str
    handler: Handler
    #: ``resource.method`` as in the API reference, e.g. ``models.generateContent``.
    name: str
    regex: re.Pattern[str] = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.regex = compile_template(self.template)

    def match(self, path: str) -> dict[str, str] | None:
        found = self.regex.match(path)
        if found is None:
            return None
        return {k.split("__")[-1] if "__" in k else k: v for k, v in found.groupdict().items()}


def route(method: str, template: str, name: str) -> Callable[[Handler], Handler]:
    """Decorator collecting handlers into ``ROUTES``."""

    def wrap(handler: Handler) -> Handler:
        ROUTES.append(Route(method, template, handler, name))
        return handler

    return wrap


ROUTES: list[Route] = []


@dataclasses.dataclass
class Ctx:
    """Everything a handler needs for one request."""

    request: web.Request
    params: dict[str, str]
    state: State
    settings: EmulatorSettings
    route: Route
    fault: Fault | None = None
    _body: Any = None

    @property
    def query(self) -> Any:
        return self.request.query

    @property
    def origin(self) -> str:
        return f"{self.request.scheme}://{self.request.host}"

    async def json(self, *, required: bool = False) -> dict[str, Any]:
        """The request body as a JSON object (``{}`` when empty)."""
        if self._body is not None:
            return dict(self._body)
        raw = await self.request.read()
        if not raw.strip():
            if required:
                raise invalid("Request body is required.")
            self._body = {}
            return {}
        value = names_in(load_request(raw), messages(self.route.name)[0], raw)
        check_request(value)
        self._body = value
        return dict(value)


def find_route(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for candidate in routes:
        if candidate.method != method:
            continue
        params = candidate.match(path)
        if params is not None:
            return candidate, params
    return None


def unknown_route(method: str, path: str) -> ApiError:
    return ApiError(404, f"Method not found: {method} {path}")
