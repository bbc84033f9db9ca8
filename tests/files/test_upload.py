"""Uploads against the emulator over real loopback HTTP: sources, protocols, resuming after
faults, integrity, errors before sending, and where the API key goes."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from genlang_async import APIConnectionError, Client, ServiceUnavailableError
from genlang_async._http.upload import UploadError, UploadIntegrityError
from genlang_async.emulator import Emulator
from genlang_async.emulator._faults import Fault
from genlang_async.types import CreateFileResponse, File

from .conftest import GRANULARITY, KEY, KIB, MIB, RecordingProxy


def payload(size: int, seed: int = 1) -> bytes:
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB, not all zeros
    return (block * (size // len(block) + 1))[:size]


def assert_uploaded(file: File, data: bytes) -> None:
    assert file.size_bytes == len(data)
    assert file.sha256_hash == hashlib.sha256(data).hexdigest().encode()


def chunks_sent(emu: Emulator) -> list[tuple[int, int]]:
    """(offset, length) of every chunk the emulator stored."""
    return [
        (entry["offset"], entry["length"])
        for entry in emu.upload_log
        if entry["command"].startswith("upload") and entry["status"] == 200
    ]


def commands(emu: Emulator) -> list[str]:
    return [entry["command"] for entry in emu.upload_log]


def assert_each_byte_once(emu: Emulator, size: int) -> None:
    """The stored chunks tile ``[0, size)`` exactly: nothing was stored twice."""
    position = 0
    for offset, length in chunks_sent(emu):
        assert offset == position, chunks_sent(emu)
        position += length
    assert position == size


async def pieces(data: bytes, piece: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


# --------------------------------------------------------------------------- sources


async def test_upload_from_path_in_chunks(
    client: Client, emulator: Emulator, tmp_path: Path
) -> None:
    data = payload(3 * GRANULARITY + 1234)
    path = tmp_path / "notes.txt"
    path.write_bytes(data)
    file = await client.files.upload(path, display_name="Notes", chunk_size=GRANULARITY)
    assert_uploaded(file, data)
    assert file.mime_type == "text/plain"
    assert file.display_name == "Notes"
    assert commands(emulator) == ["start", "upload", "upload", "upload", "upload, finalize"]
    assert chunks_sent(emulator) == [
        (0, GRANULARITY),
        (GRANULARITY, GRANULARITY),
        (2 * GRANULARITY, GRANULARITY),
        (3 * GRANULARITY, 1234),
    ]
    # str paths work the same way
    again = await client.files.upload(str(path), mime_type="application/octet-stream")
    assert again.mime_type == "application/octet-stream"
    assert_uploaded(again, data)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
async def test_upload_from_bytes_like(client: Client, kind: Any) -> None:
    data = payload(2 * MIB + 5)
    file = await client.files.upload(kind(data), mime_type="application/pdf", name="from-bytes")
    assert file.name == "files/from-bytes"
    assert file.mime_type == "application/pdf"
    assert_uploaded(file, data)


async def test_upload_from_async_iterable(client: Client, emulator: Emulator) -> None:
    data = payload(2 * GRANULARITY + 1000)
    file = await client.files.upload(
        pieces(data, 100 * KIB), mime_type="video/mp4", chunk_size=GRANULARITY
    )
    assert_uploaded(file, data)
    start = next(e for e in emulator.request_log if e["path"] == "/upload/v1beta/files")
    assert start["status"] == 200
    assert chunks_sent(emulator) == [
        (0, GRANULARITY),
        (GRANULARITY, GRANULARITY),
        (2 * GRANULARITY, 1000),
    ]


async def test_async_iterable_of_whole_chunks_finalizes_with_an_empty_chunk(
    client: Client, emulator: Emulator
) -> None:
    data = payload(2 * GRANULARITY)
    progress: list[tuple[int, int | None]] = []
    file = await client.files.upload(
        pieces(data, GRANULARITY),
        mime_type="text/plain",
        chunk_size=GRANULARITY,
        progress=lambda sent, total: progress.append((sent, total)),
    )
    assert_uploaded(file, data)
    assert commands(emulator)[-1] == "upload, finalize"
    assert chunks_sent(emulator)[-1] == (2 * GRANULARITY, 0)
    # The total is unknown until the iterable is drained; the last call gives it.
    assert progress == [
        (GRANULARITY, None),
        (2 * GRANULARITY, None),
        (2 * GRANULARITY, 2 * GRANULARITY),
    ]


async def test_empty_file(client: Client, emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    for resumable in (True, False):
        assert_uploaded(await client.files.upload(path, resumable=resumable), b"")
    assert commands(emulator) == ["start", "upload, finalize", "multipart"]


async def test_chunk_size_is_rounded_to_the_granularity(client: Client, emulator: Emulator) -> None:
    data = payload(3 * GRANULARITY)
    await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY + 1000)
    assert {length for _, length in chunks_sent(emulator)} == {GRANULARITY}
    emulator.reset()
    await client.files.upload(data, mime_type="text/plain", chunk_size=2 * GRANULARITY)
    assert [length for _, length in chunks_sent(emulator)] == [2 * GRANULARITY, GRANULARITY]


async def test_progress_after_each_acknowledged_chunk(client: Client) -> None:
    data = payload(4 * GRANULARITY + 7)
    seen: list[tuple[int, int | None]] = []

    async def progress(sent: int, total: int | None) -> None:  # async callbacks are awaited
        seen.append((sent, total))

    await client.files.upload(
        data, mime_type="text/plain", chunk_size=GRANULARITY, progress=progress
    )
    assert [sent for sent, _ in seen] == [GRANULARITY * n for n in range(1, 5)] + [len(data)]
    assert {total for _, total in seen} == {len(data)}


# --------------------------------------------------------------------------- protocols


async def test_small_files_default_to_resumable(client: Client, emulator: Emulator) -> None:
    data = payload(10)
    file = await client.files.upload(data, mime_type="text/plain", display_name="d")
    assert_uploaded(file, data)
    assert file.mime_type == "text/plain"  # from X-Goog-Upload-Header-Content-Type
    assert commands(emulator) == ["start", "upload, finalize"]
    # the start body carries no output-only field (File.mimeType is one)
    assert emulator.upload_log[0]["metadata"] == {"displayName": "d"}


async def test_multipart_on_request(client: Client, emulator: Emulator) -> None:
    data = payload(200 * KIB)
    progress: list[tuple[int, int | None]] = []
    file = await client.files.upload(
        data,
        mime_type="image/png",
        display_name="pic",
        resumable=False,
        progress=lambda *a: progress.append(a),
    )
    assert_uploaded(file, data)
    assert file.display_name == "pic"
    assert file.mime_type == "image/png"  # from the media part's Content-Type
    assert commands(emulator) == ["multipart"]
    assert emulator.upload_log[0]["metadata"] == {"displayName": "pic"}
    assert progress == [(len(data), len(data))]
    (request,) = [e for e in emulator.request_log if e["method"] == "POST"]
    assert request["path"] == "/upload/v1beta/files"
    # Bodies over 1 MiB go to the HTTP client in pieces, with a Content-Length.
    large = payload(2 * MIB + 3)
    assert_uploaded(
        await client.files.upload(large, mime_type="text/plain", resumable=False), large
    )
    with pytest.raises(ValueError, match="always sent resumable"):
        await client.files.upload(pieces(data, 4), mime_type="text/plain", resumable=False)
    with pytest.raises(TypeError, match="resumable"):
        await client.files.upload(data, mime_type="text/plain", resumable=None)  # type: ignore[arg-type]


async def test_multipart_retries_only_when_nothing_happened(
    client: Client, emulator: Emulator
) -> None:
    data = payload(1000)
    emulator.faults.fail("/upload/*", status=503, retry_after=0)
    assert_uploaded(await client.files.upload(data, mime_type="text/plain", resumable=False), data)
    assert commands(emulator) == ["multipart"]
    # A lost answer may mean the file exists: a creating request is not sent again.
    emulator.faults.drop_response("/upload/*")
    with pytest.raises(APIConnectionError):
        await client.files.upload(data, mime_type="text/plain", resumable=False)
    assert commands(emulator) == ["multipart", "multipart"]


async def test_media_upload_returns_the_rest_response(client: Client, emulator: Emulator) -> None:
    data = payload(3000)
    response = await client.media.upload(data, mime_type="text/csv", display_name="table")
    assert isinstance(response, CreateFileResponse)
    assert response.file is not None
    assert_uploaded(response.file, data)
    # No file: metadata-only create (POST /v1beta/files).
    meta = await client.media.upload(display_name="empty", mime_type="text/plain", name="meta-only")
    assert meta.file is not None
    assert meta.file.name == "files/meta-only"
    assert meta.file.display_name == "empty"
    assert emulator.request_log[-1]["path"] == "/v1beta/files"


# --------------------------------------------------------------------------- resuming


def at_offset(action: str, offset: int, **kwargs: Any) -> Fault:
    return Fault(
        action=action,
        path="/upload/*",
        method="POST",
        headers={"X-Goog-Upload-Offset": str(offset)},
        **kwargs,
    )


async def test_resumes_after_connection_failures_at_three_offsets(
    client: Client, emulator: Emulator
) -> None:
    data = payload(8 * GRANULARITY + 999)
    lost, dropped, refused = GRANULARITY, 3 * GRANULARITY, 5 * GRANULARITY
    # stored by the server, but the acknowledgement never arrives
    emulator.faults.add(at_offset("drop_response", lost))
    # connection closed before the server handled the chunk
    emulator.faults.add(at_offset("drop", dropped))
    # the server is briefly unavailable
    emulator.faults.add(at_offset("error", refused, status=503, retry_after=0))
    file = await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY)
    assert_uploaded(file, data)
    assert emulator.faults.active == []
    log = commands(emulator)
    assert log.count("start") == 1  # resumed, never restarted
    assert log.count("query") == 3
    # The chunk whose answer was lost is not sent again; the dropped and refused ones never
    # reached the session, so every byte was stored exactly once.
    assert_each_byte_once(emulator, len(data))
    faulted = [e for e in emulator.request_log if e.get("fault")]
    assert [e["fault"] for e in faulted] == ["drop_response", "drop", "error"]
    # On the wire: every chunk once, plus the dropped and the refused chunk once more, plus
    # the three queries. The chunk whose answer was lost was not sent again.
    session_requests = [e for e in emulator.request_log if "upload_id" in e["query"]]
    chunks = len(chunks_sent(emulator))
    assert chunks == 9
    assert len(session_requests) == chunks + 2 + 3


async def test_lost_answer_to_the_final_chunk(client: Client, emulator: Emulator) -> None:
    data = payload(2 * GRANULARITY + 10)
    emulator.faults.add(
        Fault(
            action="drop_response", path="/upload/*", headers={"X-Goog-Upload-Command": "finalize"}
        )
    )
    file = await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY)
    assert_uploaded(file, data)
    assert commands(emulator) == ["start", "upload", "upload", "upload, finalize", "query"]
    assert_each_byte_once(emulator, len(data))


async def test_resumes_an_async_iterable_from_its_current_chunk(
    client: Client, emulator: Emulator
) -> None:
    data = payload(4 * GRANULARITY)
    emulator.faults.add(at_offset("drop", 2 * GRANULARITY))
    emulator.faults.add(at_offset("drop_response", 3 * GRANULARITY))
    file = await client.files.upload(
        pieces(data, 10_000), mime_type="text/plain", chunk_size=GRANULARITY
    )
    assert_uploaded(file, data)
    assert commands(emulator).count("start") == 1
    assert_each_byte_once(emulator, len(data))


async def test_gives_up_after_max_retries(client: Client, emulator: Emulator) -> None:
    data = payload(2 * GRANULARITY)
    emulator.faults.add(at_offset("error", GRANULARITY, status=503, retry_after=0, times=10))
    with pytest.raises(ServiceUnavailableError):
        await client.files.upload(
            data, mime_type="text/plain", chunk_size=GRANULARITY, max_retries=2
        )
    assert commands(emulator).count("query") == 2  # 3 attempts at the chunk, 2 resumes


async def test_starts_over_when_the_session_is_gone(client: Client, emulator: Emulator) -> None:
    data = payload(3 * GRANULARITY)
    emulator.faults.add(at_offset("error", 2 * GRANULARITY, status=404))
    file = await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY)
    assert_uploaded(file, data)  # the sha256 is still right: bytes are hashed once
    assert commands(emulator).count("start") == 2


async def test_an_async_iterable_cannot_start_over_past_its_first_chunk(
    client: Client, emulator: Emulator
) -> None:
    data = payload(3 * GRANULARITY)
    emulator.faults.add(at_offset("error", 0, status=410))  # first chunk: can start over
    emulator.faults.add(at_offset("error", GRANULARITY, status=404))
    with pytest.raises(UploadError, match="gone") as info:
        await client.files.upload(
            pieces(data, 50_000), mime_type="text/plain", chunk_size=GRANULARITY
        )
    assert info.value.__cause__ is not None
    assert commands(emulator).count("start") == 2


# --------------------------------------------------------------------------- integrity


async def test_corrupted_bytes_raise_an_integrity_error(
    emulator: Emulator, proxy: RecordingProxy
) -> None:
    data = payload(2 * GRANULARITY)

    def flip_first_byte(headers: dict[str, str], body: bytes) -> bytes:
        if headers.get("x-goog-upload-offset") == "0" and body:
            return bytes([body[0] ^ 0xFF]) + body[1:]
        return body

    proxy.mutate = flip_first_byte
    async with Client(api_key=KEY, base_url=proxy.url) as client:
        with pytest.raises(UploadIntegrityError, match="sha256") as info:
            await client.files.upload(data, mime_type="text/plain", chunk_size=GRANULARITY)
    assert info.value.file_name is not None
    assert info.value.file_name.startswith("files/")
    assert info.value.sent_size == info.value.received_size == len(data)


# --------------------------------------------------------------------------- the API key


async def test_api_key_is_not_sent_to_an_upload_url_on_another_origin(
    emulator: Emulator, proxy: RecordingProxy
) -> None:
    data = payload(2 * GRANULARITY + 1)
    async with Client(api_key=KEY, base_url=proxy.url) as client:
        file = await client.files.upload(
            data, mime_type="text/plain", chunk_size=GRANULARITY, extra_headers={"X-Trace": "t1"}
        )
        assert_uploaded(file, data)
    assert {r.headers["x-trace"] for r in proxy.seen} == {"t1"}  # per-call options apply
    (start,) = proxy.on("main")
    assert start.headers["x-goog-upload-command"] == "start"
    assert start.headers["x-goog-api-key"] == KEY
    uploads = proxy.on("uploads")
    assert [u.headers["x-goog-upload-command"] for u in uploads] == [
        "upload",
        "upload",
        "upload, finalize",
    ]
    for request in uploads:
        assert "x-goog-api-key" not in request.headers
        assert KEY not in str(request.headers)


async def test_api_key_is_sent_to_an_upload_url_on_the_api_origin(emulator: Emulator) -> None:
    # The emulator checks no key on session URLs; the transport's origin rule is what sends
    # it. Prove it through a proxy whose upload origin is the API origin itself.
    proxy = RecordingProxy(emulator.url)
    await proxy.start()
    try:
        proxy.upload_origin = proxy.url  # hand out upload URLs on the API's own origin
        async with Client(api_key=KEY, base_url=proxy.url) as sdk:
            await sdk.files.upload(payload(GRANULARITY + 1), mime_type="text/plain")
        assert [r.headers["x-goog-upload-command"] for r in proxy.seen] == [
            "start",
            "upload, finalize",
        ]
        assert all(r.headers["x-goog-api-key"] == KEY for r in proxy.seen)
    finally:
        await proxy.close()


# --------------------------------------------------------------------------- nothing sent


async def test_bad_input_sends_nothing(client: Client, emulator: Emulator, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "data.no-such-extension").write_bytes(b"x")
    with pytest.raises(FileNotFoundError, match="no such file"):
        await client.files.upload(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError, match="directory"):
        await client.files.upload(tmp_path / "folder", mime_type="text/plain")
    with pytest.raises(ValueError, match="MIME type"):
        await client.files.upload(tmp_path / "data.no-such-extension")
    with pytest.raises(ValueError, match="mime_type"):
        await client.files.upload(b"bytes")
    with pytest.raises(ValueError, match="mime_type"):
        await client.files.upload(pieces(b"abc", 1))
    with pytest.raises(ValueError, match="mime_type"):
        await client.files.upload(b"x", mime_type="plain")
    with pytest.raises(TypeError, match="file must be"):
        await client.files.upload(12345)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chunk_size"):
        await client.files.upload(b"x", mime_type="text/plain", chunk_size=0)
    with pytest.raises(TypeError, match="progress"):
        await client.files.upload(b"x", mime_type="text/plain", progress="bar")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="name"):
        await client.files.upload(b"x", mime_type="text/plain", name="models/x")
    with pytest.raises(ValueError, match="file_search_store_name"):
        await client.media.upload_to_file_search_store("files/x", b"x", mime_type="text/plain")
    assert emulator.request_log == []
    assert emulator.upload_log == []


async def test_a_file_that_shrinks_while_uploading(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "shrinking.txt"
    path.write_bytes(payload(3 * GRANULARITY))

    def shrink(sent: int, total: int | None) -> None:
        os.truncate(path, GRANULARITY + 10)

    with pytest.raises(UploadError, match="changed while being uploaded"):
        await client.files.upload(path, chunk_size=GRANULARITY, progress=shrink)
