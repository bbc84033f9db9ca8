"""Seeing inside every call: event hooks, usage totals, OpenTelemetry and logging.

Pure pieces (events, usage, the mapping of a call to spans and log lines) live here; they
plug into the request pipeline through one observer per client.
"""
