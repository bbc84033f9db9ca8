"""Placeholder: the real exception hierarchy is written on another branch and replaces this."""

from __future__ import annotations


class GenlangError(Exception):
    """Base class of every error raised by genlang_async."""
