"""``client.operations``: any long-running operation by name, whatever created it.

The per-collection ``get`` methods (``client.tuned_models.operations.get``, ...) only take
their own collection's names; this namespace takes every kind, so a name stored earlier
(``op.name``) is enough to pick the operation up again::

    op = await client.operations.get("tunedModels/my-model/operations/abc")
    tuned_model = await op.wait(timeout=600)
    # or in one go
    tuned_model = await client.operations.wait("tunedModels/my-model/operations/abc")
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .._core.coerce import batch_output, parse_any, request_options
from .._core.names import resolve_name
from .._observe.raw import RawResponses, raw
from .._operations import Operation
from ..resources._base import Resource
from ..types import (
    EmbedContentBatchOutput,
    GenerateContentBatchOutput,
    ImportFileResponse,
    PredictLongRunningResponse,
    TunedModel,
    UploadToFileSearchStoreResponse,
)

if TYPE_CHECKING:
    from .._core.options import TimeoutLike

__all__ = ["OPERATION_PATTERNS", "Operations", "OperationsRaw"]


def _batch_result(data: dict[str, Any]) -> Any:
    type_url = str(data.get("@type", ""))
    if type_url.endswith(".EmbedContentBatchOutput"):
        return batch_output(EmbedContentBatchOutput)(data)
    if type_url.endswith(".GenerateContentBatchOutput") or "output" in data:
        return batch_output(GenerateContentBatchOutput)(data)
    return parse_any(data)


def _typed(parse: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], Any]:
    """The result by its ``@type`` when it names a known message, else ``parse``."""

    def parse_result(data: dict[str, Any]) -> Any:
        if "@type" in data:
            result = parse_any(data)
            if not isinstance(result, dict):
                return result
        return parse(data)

    return parse_result


#: Operation name patterns and how the result of each kind is parsed.
OPERATION_PATTERNS: Mapping[str, Callable[[dict[str, Any]], Any]] = {
    "tunedModels/*/operations/*": _typed(TunedModel.from_dict),
    "models/*/operations/*": _typed(PredictLongRunningResponse.from_dict),
    "fileSearchStores/*/operations/*": _typed(ImportFileResponse.from_dict),
    "fileSearchStores/*/upload/operations/*": _typed(UploadToFileSearchStoreResponse.from_dict),
    "corpora/*/operations/*": parse_any,
    "generatedFiles/*/operations/*": parse_any,
    "batches/*": _batch_result,
}


class Operations(Resource):
    """Long-running operations of every kind, by name."""

    async def get(
        self,
        name: str,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
    ) -> Operation[Any]:
        """Fetch an operation and return its handle (``await op.wait()`` for the result).

        ``name`` is a full operation name: ``tunedModels/*/operations/*``,
        ``models/*/operations/*``, ``corpora/*/operations/*``,
        ``generatedFiles/*/operations/*``, ``fileSearchStores/*/operations/*``,
        ``fileSearchStores/*/upload/operations/*`` or ``batches/*``. The result is typed by
        the kind (``TunedModel``, ``PredictLongRunningResponse``, ``ImportFileResponse``,
        ``UploadToFileSearchStoreResponse``, ``GenerateContentBatchOutput`` /
        ``EmbedContentBatchOutput``) or by its ``@type``; otherwise it is the wire dict.
        Only batches can be cancelled (``op.cancel()``).
        """
        name, parse = _resolve(name)
        options = request_options(timeout, max_retries, extra_headers, extra_query)
        data = await self._call("GET", name, options=options)
        return self._operation(data, parse, options)

    async def wait(
        self,
        name: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_interval: float = 30.0,
    ) -> Any:
        """``await (await get(name)).wait(...)``: poll until done; return the typed result.

        Raises :class:`OperationFailedError` when the operation failed and
        :class:`OperationTimeoutError` when it is not done after ``timeout`` seconds.
        """
        operation = await self.get(name)
        return await operation.wait(timeout, poll_interval=poll_interval, max_interval=max_interval)

    @property
    def with_raw_response(self) -> OperationsRaw:
        """These methods, each returning an ``APIResponse``."""
        return OperationsRaw(self)


def _resolve(name: object) -> tuple[str, Callable[[dict[str, Any]], Any]]:
    if isinstance(name, str) and "/" not in name:
        # A bare id is ambiguous here (which collection?): ask for the full name.
        raise ValueError(
            "name must be a full operation name such as "
            f"'tunedModels/{{tuned_model}}/operations/{{operation}}' or 'batches/{{batch}}', "
            f"got {name!r}"
        )
    full = resolve_name(name, *OPERATION_PATTERNS, argument="name")
    for pattern, parse in OPERATION_PATTERNS.items():
        if resolve_name_matches(full, pattern):
            return full, parse
    raise AssertionError(f"unreachable: {full!r}")  # pragma: no cover


def resolve_name_matches(name: str, pattern: str) -> bool:
    """Whether a full ``name`` fits ``pattern`` (wildcards are single segments)."""
    parts, wanted = name.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(
        w == "*" or w == p for p, w in zip(parts, wanted, strict=True)
    )


class OperationsRaw(RawResponses):
    """``client.operations.with_raw_response``: ``get`` and ``wait``, each returning an
    ``APIResponse``."""

    __slots__ = ()

    get = raw(Operations.get)
    wait = raw(Operations.wait)
