"""Fixtures: OpenTelemetry switched on with in-memory span and metric readers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

otel_sdk = pytest.importorskip("opentelemetry.sdk", reason="the otel extra is not installed")

from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (  # noqa: E402
    InMemorySpanExporter,
)

from genlang_async._observe import log, otel  # noqa: E402
from genlang_async.emulator.pytest_plugin import (  # noqa: E402
    client,
    emulator,
    emulator_settings,
)

__all__ = ["client", "emulator", "emulator_settings"]


@attrs.define
class Otel:
    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def points(self, name: str) -> list[Any]:
        """Histogram data points of the metric ``name``."""
        data = self.reader.get_metrics_data()
        found: list[Any] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        found.extend(metric.data.data_points)
        return found


def _instrumented(capture_content: bool) -> Iterator[Otel]:
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    otel.instrument(
        tracer_provider=tracer_provider,
        meter_provider=meter_provider,
        capture_content=capture_content,
    )
    try:
        yield Otel(exporter, reader)
    finally:
        otel.uninstrument()
        tracer_provider.shutdown()
        meter_provider.shutdown()


@pytest.fixture
def otel_on() -> Iterator[Otel]:
    """OpenTelemetry on, prompts and answers not recorded."""
    yield from _instrumented(capture_content=False)


@pytest.fixture
def otel_content() -> Iterator[Otel]:
    """OpenTelemetry on, recording prompts and answers."""
    yield from _instrumented(capture_content=True)


@pytest.fixture
def clean_logger() -> Iterator[None]:
    """The ``genlang_async`` logger's handlers and level restored after the test."""
    handlers, level = list(log.logger.handlers), log.logger.level
    yield
    log.logger.handlers[:] = handlers
    log.logger.setLevel(level)
    log._configured = None
