"""The pure pieces of the upload engine: chunk sizes, headers, MIME types, multipart bodies,
the integrity check, and the sources (no HTTP)."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from genlang_async._http import upload as _upload
from genlang_async._http.upload import (
    UploadError,
    UploadIntegrityError,
    chunk_size_for,
    guess_mime_type,
    multipart_body,
    open_source,
    verify_file,
)
from genlang_async.types import File

KIB = 1024


@pytest.mark.parametrize(
    ("requested", "granularity", "expected"),
    [
        (8 * 1024 * KIB, None, 8 * 1024 * KIB),
        (8 * 1024 * KIB, 256 * KIB, 8 * 1024 * KIB),
        (300 * KIB, 256 * KIB, 256 * KIB),  # rounded down
        (100 * KIB, 256 * KIB, 256 * KIB),  # at least one granule
        (1000, 0, 1000),
    ],
)
def test_chunk_size_for(requested: int, granularity: int | None, expected: int) -> None:
    assert chunk_size_for(requested, granularity) == expected


def test_protocol_headers() -> None:
    assert _upload.chunk_headers(0, last=False) == {
        "X-Goog-Upload-Command": "upload",
        "X-Goog-Upload-Offset": "0",
    }
    assert _upload.chunk_headers(512, last=True)["X-Goog-Upload-Command"] == "upload, finalize"
    assert _upload.parse_received({"X-Goog-Upload-Size-Received": "42"}) == 42
    assert _upload.parse_received({"X-Goog-Upload-Size-Received": "x"}) is None
    assert _upload.parse_granularity({"X-Goog-Upload-Chunk-Granularity": "262144"}) == 262144
    assert _upload.parse_granularity({}) is None


def test_mime_types() -> None:
    assert guess_mime_type("notes.txt") == "text/plain"
    assert guess_mime_type(Path("a/b/report.PDF")) == "application/pdf"
    assert guess_mime_type("data.no-such-extension") is None
    assert _upload.check_mime_type("text/plain; charset=utf-8") == "text/plain; charset=utf-8"
    for bad in ("text", "/plain", "text/plain\r\nX-Evil: 1"):
        with pytest.raises(ValueError, match="mime_type"):
            _upload.check_mime_type(bad)
    with pytest.raises(TypeError):
        _upload.check_mime_type(b"text/plain")


def test_multipart_body_parses_as_related_parts() -> None:
    data = bytes(range(256)) * 4
    body, content_type = multipart_body({"file": {"displayName": "é"}}, "image/png", data)
    assert content_type.startswith("multipart/related; boundary=")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    meta, media = message.iter_parts()
    assert meta.get_content_type() == "application/json"
    meta_body = meta.get_payload(decode=True)
    assert isinstance(meta_body, bytes)
    assert json.loads(meta_body) == {"file": {"displayName": "é"}}
    assert media.get_content_type() == "image/png"
    assert media.get_payload(decode=True) == data


def _file(size: int | None, digest: bytes | None) -> File:
    return File(name="files/x", size_bytes=size, sha256_hash=digest)


def test_verify_file() -> None:
    data = b"hello world"
    hexdigest = hashlib.sha256(data).hexdigest()
    verify_file(_file(11, hexdigest.encode()), size=11, sha256_hex=hexdigest)
    verify_file(_file(11, hashlib.sha256(data).digest()), size=11, sha256_hex=hexdigest)
    verify_file(_file(None, None), size=11, sha256_hex=hexdigest)  # nothing to check
    with pytest.raises(UploadIntegrityError, match="size 10 != 11") as info:
        verify_file(_file(10, hexdigest.encode()), size=11, sha256_hex=hexdigest)
    assert info.value.file_name == "files/x"
    assert info.value.received_size == 10
    other = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(UploadIntegrityError, match="sha256") as info:
        verify_file(_file(11, other.encode()), size=11, sha256_hex=hexdigest)
    assert info.value.received_sha256 == other
    assert info.value.sent_sha256 == hexdigest
    assert isinstance(info.value, UploadError)


async def test_path_source_reads_by_offset(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(100)))
    async with await open_source(path, None) as source:
        assert source.mime_type == "application/octet-stream"
        assert source.size == 100
        assert await source.read(90, 64) == bytes(range(90, 100))
        assert await source.read(10, 5) == bytes(range(10, 15))
        assert source.at_end(100)
        assert not source.at_end(99)


async def _pieces(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_iterable_source_keeps_only_the_current_chunk() -> None:
    async with await open_source(_pieces(b"abc", b"defgh", b"ij"), "text/plain") as source:
        assert source.size is None
        assert await source.read(0, 4) == b"abcd"
        assert not source.at_end(4)
        # Resent from inside the current chunk: topped up with what follows to a whole chunk.
        assert await source.read(2, 4) == b"cdef"
        assert source.can_read_from(6)
        assert not source.can_read_from(1)
        assert await source.read(6, 4) == b"ghij"
        assert not source.can_read_from(5)
        with pytest.raises(UploadError, match="cannot be rewound"):
            await source.read(0, 4)
        assert not source.at_end(10)  # not known yet
        assert await source.read(10, 4) == b""
        assert source.at_end(10)
        assert source.size == 10


async def test_iterable_source_of_exact_chunks_ends_with_an_empty_read() -> None:
    async with await open_source(_pieces(b"abcd"), "text/plain") as source:
        assert await source.read(0, 4) == b"abcd"
        assert not source.at_end(4)  # not known yet
        assert await source.read(4, 4) == b""
        assert source.at_end(4)


async def test_iterable_source_rejects_non_bytes() -> None:
    async def numbers() -> AsyncIterator[int]:
        yield 1

    async with await open_source(numbers(), "text/plain") as source:
        with pytest.raises(TypeError, match="must yield bytes"):
            await source.read(0, 4)
