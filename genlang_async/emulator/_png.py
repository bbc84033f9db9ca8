"""Tiny valid PNG images (solid colour, chosen from a seed)."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def tiny_png(seed: int, size: int = 8) -> bytes:
    """An RGB ``size`` x ``size`` PNG filled with a colour derived from ``seed``."""
    red, green, blue = (seed >> 16) & 0xFF, (seed >> 8) & 0xFF, seed & 0xFF
    row = b"\x00" + bytes((red, green, blue)) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * size))
        + _chunk(b"IEND", b"")
    )
