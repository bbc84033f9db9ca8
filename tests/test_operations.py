"""Tests of the long-running operation handle with fake poll / cancel callbacks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from genlang_async._core.errors import GenlangError
from genlang_async._operations import Operation, OperationFailedError, OperationTimeoutError

pytestmark = pytest.mark.anyio  # see tests/test_pagination.py

NAME = "tunedModels/t1/operations/op1"
RUNNING = {"name": NAME, "metadata": {"completedPercent": 0}}


class FakeServer:
    """Answers polls from a script of operation dicts (the last one repeats)."""

    def __init__(self, *states: Mapping[str, Any]) -> None:
        self.states = list(states)
        self.polls = 0
        self.cancels = 0

    async def poll(self) -> Mapping[str, Any]:
        self.polls += 1
        return self.states[min(self.polls, len(self.states)) - 1]

    async def cancel(self) -> None:
        self.cancels += 1


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        await anyio.lowlevel.checkpoint()


def parse(response: dict[str, Any]) -> str:
    return str(response.get("displayName", "<none>"))


def running(percent: int) -> dict[str, Any]:
    return {"name": NAME, "metadata": {"completedPercent": percent}}


DONE = {
    "name": NAME,
    "done": True,
    "metadata": {"completedPercent": 100},
    "response": {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.TunedModel",
        "displayName": "my model",
    },
}
FAILED = {
    "name": NAME,
    "done": True,
    "error": {
        "code": 3,
        "message": "bad training data",
        "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": []}],
    },
}


def make(
    server: FakeServer, data: Mapping[str, Any] = RUNNING, **kwargs: Any
) -> tuple[Operation[str], FakeSleep]:
    sleep = FakeSleep()
    op = Operation(data, poll=server.poll, parse_result=parse, sleep=sleep, **kwargs)
    return op, sleep


async def test_done_after_three_polls_with_backoff() -> None:
    server = FakeServer(running(30), running(60), DONE)
    op, sleep = make(server, cancel=server.cancel)
    assert await op.wait() == "my model"
    assert server.polls == 3
    assert sleep.calls == [1.0, 1.5, 2.25]
    assert op.done
    assert op.metadata == {"completedPercent": 100}


async def test_backoff_parameters_and_cap() -> None:
    server = FakeServer(*(running(i) for i in range(6)), DONE)
    op, sleep = make(server)
    await op.wait(poll_interval=0.5, backoff=2, max_interval=3)
    assert sleep.calls == [0.5, 1, 2, 3, 3, 3, 3]


async def test_already_done_returns_without_polling() -> None:
    server = FakeServer()
    op, sleep = make(server, DONE)
    assert await op.wait() == "my model"
    assert await op.wait(timeout=0) == "my model"
    assert server.polls == 0
    assert sleep.calls == []


async def test_error_result_raises_operation_failed() -> None:
    server = FakeServer(running(10), FAILED)
    op, _ = make(server)
    with pytest.raises(OperationFailedError) as info:
        await op.wait()
    error = info.value
    assert error.code == 3
    assert error.status == "INVALID_ARGUMENT"
    assert error.message == "bad training data"
    assert error.details == [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": []}
    ]
    assert error.operation_name == NAME
    assert str(error) == f"operation {NAME!r} failed: INVALID_ARGUMENT (3): bad training data"
    assert isinstance(error, GenlangError)
    assert op.error == FAILED["error"]
    with pytest.raises(OperationFailedError):
        op.result()


def test_operation_failed_error_tolerates_odd_status() -> None:
    error = OperationFailedError("ops/x", {"code": 99})
    assert (error.code, error.status, error.message, error.details) == (99, "UNKNOWN", "", [])
    assert str(error) == "operation 'ops/x' failed: UNKNOWN (99)"
    assert OperationFailedError("ops/x", {}).code == 2


async def test_timeout() -> None:
    server = FakeServer(RUNNING)
    op = Operation(RUNNING, poll=server.poll, parse_result=parse)  # real anyio.sleep
    start = anyio.current_time()
    with pytest.raises(OperationTimeoutError) as info:
        await op.wait(timeout=0.2, poll_interval=0.01, max_interval=0.02)
    elapsed = anyio.current_time() - start
    assert 0.2 <= elapsed < 1.5
    assert server.polls >= 3
    assert isinstance(info.value, TimeoutError)
    assert isinstance(info.value, GenlangError)
    assert info.value.timeout == 0.2
    assert info.value.operation_name == NAME
    assert "not done after 0.2 s" in str(info.value)
    assert not op.done


async def test_timeout_cancels_a_slow_poll() -> None:
    async def slow_poll() -> Mapping[str, Any]:
        await anyio.sleep(10)
        raise AssertionError("not reached")

    op = Operation(RUNNING, poll=slow_poll, parse_result=parse, sleep=FakeSleep())
    with anyio.fail_after(5), pytest.raises(OperationTimeoutError):
        await op.wait(timeout=0.05)


async def test_timeout_error_from_poll_is_not_ours() -> None:
    async def poll() -> Mapping[str, Any]:
        raise TimeoutError("transport timed out")

    op = Operation(RUNNING, poll=poll, parse_result=parse, sleep=FakeSleep())
    with pytest.raises(TimeoutError, match="transport timed out") as info:
        await op.wait(timeout=60)
    assert not isinstance(info.value, OperationTimeoutError)


async def test_poll_errors_propagate() -> None:
    async def poll() -> Mapping[str, Any]:
        raise ConnectionError("down")

    op = Operation(RUNNING, poll=poll, parse_result=parse, sleep=FakeSleep())
    with pytest.raises(ConnectionError):
        await op.wait()


async def test_refresh_and_properties() -> None:
    server = FakeServer(running(50), DONE)
    op, _ = make(server)
    assert op.name == NAME
    assert not op.done
    assert op.metadata == {"completedPercent": 0}
    assert op.error is None
    assert repr(op) == f"<Operation name={NAME!r} done=False>"
    with pytest.raises(RuntimeError, match="not done yet"):
        op.result()
    assert await op.refresh() is op
    assert op.metadata == {"completedPercent": 50}
    op = await op.refresh()  # (re-binding also resets mypy's narrowing of op.done)
    assert op.done
    assert op.raw == DONE
    assert op.result() == "my model"


async def test_result_parsed_once() -> None:
    calls: list[dict[str, Any]] = []

    def parse_counting(response: dict[str, Any]) -> int:
        calls.append(response)
        return len(calls)

    op = Operation(DONE, poll=FakeServer().poll, parse_result=parse_counting)
    assert op.result() == 1
    assert await op.wait() == 1
    assert len(calls) == 1


async def test_result_from_whole_operation() -> None:
    op = Operation(
        DONE,
        poll=FakeServer().poll,
        parse_result=lambda d: d["metadata"]["completedPercent"],
        result_from="operation",
    )
    assert await op.wait() == 100


def test_result_from_invalid() -> None:
    with pytest.raises(ValueError, match="result_from"):
        Operation(DONE, poll=FakeServer().poll, parse_result=parse, result_from="meta")  # type: ignore[arg-type]


def test_done_without_response_parses_empty_dict() -> None:
    op = Operation({"name": NAME, "done": True}, poll=FakeServer().poll, parse_result=parse)
    assert op.result() == "<none>"


def test_done_inferred_from_response_or_error() -> None:
    poll = FakeServer().poll
    assert Operation({"name": "o", "response": {}}, poll=poll, parse_result=parse).done
    assert Operation({"name": "o", "error": {"code": 1}}, poll=poll, parse_result=parse).done
    assert not Operation({"name": "o", "done": False}, poll=poll, parse_result=parse).done


async def test_cancel() -> None:
    cancelled = {"name": NAME, "done": True, "error": {"code": 1, "message": "cancelled"}}
    server = FakeServer(running(10), cancelled)
    op, _ = make(server, cancel=server.cancel)
    await op.cancel()
    assert server.cancels == 1
    with pytest.raises(OperationFailedError) as info:
        await op.wait()
    assert info.value.status == "CANCELLED"


async def test_cancel_unsupported() -> None:
    op, _ = make(FakeServer())
    with pytest.raises(NotImplementedError, match="cannot be cancelled"):
        await op.cancel()


def test_non_mapping_rejected() -> None:
    with pytest.raises(TypeError, match="JSON object"):
        Operation(["x"], poll=FakeServer().poll, parse_result=parse)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"max_interval": 0}, "max_interval"),
        ({"backoff": 0.5}, "backoff"),
    ],
)
async def test_wait_argument_validation(kwargs: dict[str, Any], message: str) -> None:
    op, _ = make(FakeServer())
    with pytest.raises(ValueError, match=message):
        await op.wait(**kwargs)
