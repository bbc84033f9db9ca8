"""Deterministic filler text: the emulator's 'language model'."""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

WORDS = (
    "amber",
    "bridge",
    "cloud",
    "delta",
    "ember",
    "forest",
    "granite",
    "harbor",
    "island",
    "jasmine",
    "kernel",
    "lantern",
    "meadow",
    "nebula",
    "orbit",
    "pebble",
    "quartz",
    "river",
    "summit",
    "timber",
    "umbra",
    "velvet",
    "willow",
    "xenon",
    "yonder",
    "zephyr",
    "anchor",
    "beacon",
    "canyon",
    "dune",
    "echo",
    "falcon",
    "glacier",
    "horizon",
    "ivory",
    "jungle",
    "kite",
    "lagoon",
    "marble",
    "nectar",
    "oasis",
    "prism",
    "quiver",
    "raven",
    "saffron",
    "tundra",
    "upland",
    "vortex",
    "wander",
    "yarrow",
    "zenith",
)


def seed_of(*parts: Any) -> int:
    """A stable 64-bit seed from JSON-able values."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str).encode()
    return int.from_bytes(hashlib.sha256(blob).digest()[:8], "big")


def rng_for(*parts: Any) -> random.Random:
    return random.Random(seed_of(*parts))


def sentence(rng: random.Random, low: int = 10, high: int = 22) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def reply(prompt: str, rng: random.Random) -> str:
    """The answer text for ``prompt``: an echo of its start followed by filler words."""
    snippet = " ".join(prompt.split()[:40])
    body = sentence(rng)
    if not snippet:
        return body
    return f'Emulated answer to "{snippet}". {body}'


def response_id(seed: int) -> str:
    import base64

    digest = hashlib.sha256(seed.to_bytes(8, "big")).digest()
    return base64.urlsafe_b64encode(digest[:17]).decode().rstrip("=")
