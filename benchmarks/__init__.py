"""Benchmark harness for genlang_async: a canned-response server and per-client runners.

Run ``python -m benchmarks`` (or ``nox -s bench``); see ``benchmarks/README.md``.
"""
