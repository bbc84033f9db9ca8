"""Fixtures of the batch tests: the emulator and a client on it (the plugin's)."""

from __future__ import annotations

from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings

__all__ = ["client", "emulator", "emulator_settings"]
