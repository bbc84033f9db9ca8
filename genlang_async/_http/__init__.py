"""The HTTP layer: the only part of the SDK that imports aiohttp (the emulator aside)."""
