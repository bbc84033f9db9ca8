"""Pure building blocks: no I/O, no aiohttp."""
