"""``files.download``, ``files.wait_until_active`` and uploads into file search stores."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest

from genlang_async import BadRequestError, Client
from genlang_async._http.upload import FileProcessingError, FileProcessingTimeoutError
from genlang_async.emulator import Emulator
from genlang_async.types import File, FileState, UploadToFileSearchStoreResponse

from .conftest import GRANULARITY, KEY, MIB


def payload(size: int) -> bytes:
    return bytes(i * 7 % 251 for i in range(251)) * (size // 251) + b"x" * (size % 251)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------- download


async def test_download_to_a_path(client: Client, emulator: Emulator, tmp_path: Path) -> None:
    data = payload(3 * MIB + 17)
    uploaded = File.from_dict(emulator.add_generated_file(data))
    assert uploaded.name is not None
    target = tmp_path / "copy.bin"
    written = await client.files.download(uploaded.name, target)
    assert written == len(data)
    assert target.read_bytes() == data
    assert listing(tmp_path) == ["copy.bin"]  # no temp file left
    # A bare id works too, and an existing file is replaced.
    assert await client.files.download(uploaded.name.split("/")[1], str(target)) == len(data)


async def test_download_to_writers(client: Client, emulator: Emulator) -> None:
    data = payload(GRANULARITY)
    uploaded = File.from_dict(emulator.add_generated_file(data, mime_type="text/plain"))
    assert uploaded.name is not None

    class AsyncWriter:
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        async def write(self, chunk: bytes) -> None:
            self.parts.append(chunk)

    writer = AsyncWriter()
    assert await client.files.download(uploaded.name, writer) == len(data)
    assert b"".join(writer.parts) == data
    buffer = io.BytesIO()  # a plain synchronous writer works as well
    assert await client.files.download(uploaded.name, buffer) == len(data)
    assert buffer.getvalue() == data


async def test_failed_download_leaves_no_file(
    client: Client, emulator: Emulator, tmp_path: Path
) -> None:
    created = await client.media.upload(display_name="no content", mime_type="text/plain")
    assert created.file is not None
    assert created.file.name is not None
    target = tmp_path / "out.bin"
    with pytest.raises(BadRequestError):  # an uploaded file: only generated ones download
        await client.files.download(created.file.name, target)
    assert listing(tmp_path) == []
    requests = len(emulator.request_log)
    with pytest.raises(FileNotFoundError):
        await client.files.download(created.file.name, tmp_path / "missing" / "out.bin")
    with pytest.raises(IsADirectoryError):
        await client.files.download(created.file.name, tmp_path)
    with pytest.raises(TypeError, match="destination"):
        await client.files.download(created.file.name, 42)
    assert len(emulator.request_log) == requests  # nothing sent for those


async def test_uploaded_files_cannot_be_downloaded(client: Client, tmp_path: Path) -> None:
    uploaded = await client.files.upload(b"my notes", mime_type="text/plain")
    assert uploaded.name is not None
    with pytest.raises(BadRequestError, match="Only generated files can be downloaded"):
        await client.files.download(uploaded.name, tmp_path / "out.txt")
    assert listing(tmp_path) == []


# --------------------------------------------------------------------------- wait until ACTIVE


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {
        "operation_delay": 0.0,
        "file_processing_delay": 0.3,
        "upload_chunk_granularity": GRANULARITY,
    }


async def test_wait_until_active(client: Client) -> None:
    uploaded = await client.files.upload(b"video bytes", mime_type="video/mp4")
    assert uploaded.state == FileState.PROCESSING
    active = await client.files.wait_until_active(uploaded, poll_interval=0.05, timeout=10)
    assert active.state == FileState.ACTIVE
    assert active.name == uploaded.name


async def test_wait_until_active_times_out(client: Client, emulator: Emulator) -> None:
    emulator.settings.file_processing_delay = 60.0
    uploaded = await client.files.upload(b"slow", mime_type="video/mp4")
    assert uploaded.name is not None
    with pytest.raises(FileProcessingTimeoutError, match="not ACTIVE") as info:
        await client.files.wait_until_active(uploaded.name, timeout=0.2, poll_interval=0.05)
    assert isinstance(info.value, TimeoutError)
    assert info.value.state == "PROCESSING"


async def test_wait_until_active_raises_on_failed(server: Any) -> None:
    # The emulator never fails a file: script the answers on the loopback test server.
    base = {"name": "files/vid", "mimeType": "video/mp4"}
    server.reply(
        "GET",
        "/v1beta/files/vid",
        (200, {**base, "state": "PROCESSING"}),
        (
            200,
            {
                **base,
                "state": "FAILED",
                "error": {"code": 3, "message": "unsupported codec", "details": []},
            },
        ),
    )
    async with Client(api_key=KEY, base_url=server.url) as client:
        with pytest.raises(FileProcessingError, match="unsupported codec") as info:
            await client.files.wait_until_active("vid", poll_interval=0.01)
    assert isinstance(info.value.file, File)
    assert info.value.error is not None
    assert info.value.error.code == 3
    assert len(server.hits("/v1beta/files/vid")) == 2


async def test_wait_until_active_checks_arguments(client: Client) -> None:
    with pytest.raises(ValueError, match="timeout"):
        await client.files.wait_until_active("abc", timeout=0)
    with pytest.raises(ValueError, match="poll_interval"):
        await client.files.wait_until_active("abc", poll_interval=-1)


# --------------------------------------------------------------------------- file search stores


async def test_upload_to_file_search_store(client: Client, emulator: Emulator) -> None:
    store = await client.file_search_stores.create(display_name="docs")
    assert store.name is not None
    data = payload(2 * GRANULARITY + 5)
    op = await client.media.upload_to_file_search_store(
        store.name,
        data,
        mime_type="text/plain",
        display_name="notes",
        custom_metadata=[{"key": "team", "stringValue": "files"}],
        chunk_size=GRANULARITY,
    )
    result = await op.wait(timeout=10, poll_interval=0.02)
    assert isinstance(result, UploadToFileSearchStoreResponse)
    assert result.size_bytes == len(data)
    assert result.mime_type == "text/plain"
    assert result.document_name is not None
    document = await client.file_search_stores.documents.get(result.document_name)
    assert document.display_name == "notes"
    starts = [e for e in emulator.request_log if e["path"].endswith(":uploadToFileSearchStore")]
    assert starts[0]["path"] == f"/upload/v1beta/{store.name}:uploadToFileSearchStore"
    assert [e["command"] for e in emulator.upload_log] == [
        "start",
        "upload",
        "upload",
        "upload, finalize",
    ]


async def test_file_search_stores_upload_delegates(client: Client, tmp_path: Path) -> None:
    store = await client.file_search_stores.create(display_name="docs")
    assert store.name is not None
    path = tmp_path / "readme.md"
    path.write_text("# Title\n\nSome text.\n")
    op = await client.file_search_stores.upload(store.name, path)
    result = await op.wait(timeout=10, poll_interval=0.02)
    assert result.size_bytes == path.stat().st_size
    assert result.parent == store.name
    # The namespace still holds the generated ``upload.operations`` methods.
    assert op.name
    again = await client.file_search_stores.upload.operations.get(op.name)
    assert again.done
