"""Pure parts of the client: no aiohttp, no network or file I/O.

Retry decisions, the event-stream decoder, status and error mapping, resource names,
options and timeouts, chunk merging, JSON Schema from Python types, incremental JSON.
Everything here is tested directly, without a server.
"""
