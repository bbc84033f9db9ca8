"""Files API and Google's upload protocols (resumable, multipart, raw), over plain HTTP."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

import aiohttp
import pytest

from ._schema import check
from .conftest import KEY, Api

KIB = 1024


@pytest.fixture
def emulator_settings() -> dict[str, Any]:
    return {"operation_delay": 0.0, "upload_chunk_granularity": 256 * KIB}


async def start_upload(api: Api, size: int, *, name: str = "Sample") -> tuple[str, dict[str, str]]:
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        json={"file": {"displayName": name}},
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "resumable",
            "X-Goog-Upload-Command": "start",
            "X-Goog-Upload-Header-Content-Length": str(size),
            "X-Goog-Upload-Header-Content-Type": "application/octet-stream",
        },
    ) as response:
        assert response.status == 200
        assert response.headers["X-Goog-Upload-Status"] == "active"
        return response.headers["X-Goog-Upload-URL"], dict(response.headers)


async def send(
    api: Api, url: str, command: str, offset: int | None = None, data: bytes = b""
) -> aiohttp.ClientResponse:
    headers = {"X-Goog-Upload-Command": command}
    if offset is not None:
        headers["X-Goog-Upload-Offset"] = str(offset)
    async with api.session.post(url, data=data, headers=headers) as response:
        await response.read()
        return response


def expected_hash(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).hexdigest().encode()).decode()


async def test_resumable_upload_in_chunks_with_query(api: Api, emulator: Any) -> None:
    data = bytes(range(256)) * (3 * KIB + 10)  # 3 chunks of 256 KiB + a tail
    url, headers = await start_upload(api, len(data))
    assert url.startswith(emulator.url + "/upload/v1beta/files?upload_id=")
    assert headers["X-Goog-Upload-Chunk-Granularity"] == str(256 * KIB)
    chunk = 256 * KIB
    offset = 0
    while offset + chunk < len(data):
        response = await send(api, url, "upload", offset, data[offset : offset + chunk])
        assert response.status == 200
        assert response.headers["X-Goog-Upload-Status"] == "active"
        offset += chunk
    query = await send(api, url, "query")
    assert query.headers["X-Goog-Upload-Size-Received"] == str(offset)
    async with api.session.post(
        url,
        data=data[offset:],
        headers={
            "X-Goog-Upload-Command": "upload, finalize",
            "X-Goog-Upload-Offset": str(offset),
        },
    ) as response:
        assert response.status == 200
        assert response.headers["X-Goog-Upload-Status"] == "final"
        body = await response.json()
    check(body, "CreateFileResponse")
    file = body["file"]
    assert file["sizeBytes"] == str(len(data))
    assert file["sha256Hash"] == expected_hash(data)
    assert file["displayName"] == "Sample"
    assert file["source"] == "UPLOADED"
    assert file["state"] == "ACTIVE"
    assert file["uri"] == f"{emulator.url}/v1beta/{file['name']}"
    assert file["createTime"].endswith("Z")
    assert file["expirationTime"] > file["createTime"]
    log = [e for e in emulator.upload_log if e["command"] in ("upload", "upload, finalize")]
    ranges = [(e["offset"], e["offset"] + e["length"]) for e in log]
    assert ranges == sorted(ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert ranges[-1][1] == len(data)
    assert emulator.state.read_blob(file["name"]) == data
    refused = await api.get(f"/v1beta/{file['name']}:download", params={"alt": "media"}, expect=400)
    assert "Only generated files can be downloaded" in refused["error"]["message"]
    assert await api.get(f"/v1beta/{file['name']}") == file


async def test_upload_offset_and_granularity_errors(api: Api) -> None:
    url, _ = await start_upload(api, 300 * KIB)
    wrong = await send(api, url, "upload", 5, b"x" * 256 * KIB)
    assert wrong.status == 400
    assert wrong.headers["X-Goog-Upload-Size-Received"] == "0"
    ragged = await send(api, url, "upload", 0, b"x" * 1000)
    assert ragged.status == 400
    assert (await send(api, url, "query")).headers["X-Goog-Upload-Size-Received"] == "0"
    short = await send(api, url, "upload, finalize", 0, b"x" * 1000)
    assert short.status == 400  # declared 300 KiB


async def test_lost_chunk_can_be_resumed_without_resending(api: Api, emulator: Any) -> None:
    data = b"a" * (256 * KIB) + b"b" * 100
    url, _ = await start_upload(api, len(data))
    emulator.faults.lose_upload_chunk()
    with pytest.raises(aiohttp.ClientError):
        await send(api, url, "upload", 0, data[: 256 * KIB])
    query = await send(api, url, "query")
    received = int(query.headers["X-Goog-Upload-Size-Received"])
    assert received == 256 * KIB
    final = await send(api, url, "upload, finalize", received, data[received:])
    assert final.headers["X-Goog-Upload-Status"] == "final"
    uploads = [e for e in emulator.upload_log if e["length"]]
    assert sum(e["length"] for e in uploads) == len(data)


async def test_cancel_and_unknown_session(api: Api, emulator: Any) -> None:
    url, _ = await start_upload(api, 10)
    cancel = await send(api, url, "cancel")
    assert cancel.headers["X-Goog-Upload-Status"] == "cancelled"
    assert (await send(api, url, "upload, finalize", 0, b"0123456789")).status == 400
    gone = emulator.url + "/upload/v1beta/files?upload_id=nope&upload_protocol=resumable"
    assert (await send(api, gone, "query")).status == 404


async def test_multipart_raw_and_metadata_only(api: Api, emulator: Any) -> None:
    with aiohttp.MultipartWriter("related") as writer:
        writer.append_json({"file": {"displayName": "notes", "mimeType": "text/plain"}})
        writer.append(b"hello multipart", {"Content-Type": "text/plain"})
        async with api.session.post(
            api.base + "/upload/v1beta/files",
            data=writer,
            headers={"x-goog-api-key": KEY, "X-Goog-Upload-Protocol": "multipart"},
        ) as response:
            assert response.status == 200, await response.text()
            multipart = (await response.json())["file"]
    assert multipart["sizeBytes"] == "15"
    assert multipart["mimeType"] == "text/plain"
    assert multipart["sha256Hash"] == expected_hash(b"hello multipart")
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        data=b"\x89PNG raw",
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "raw",
            "Content-Type": "image/png",
        },
    ) as response:
        raw = (await response.json())["file"]
    assert raw["mimeType"] == "image/png"
    assert raw["sizeBytes"] == "8"
    meta = await api.post(
        "/v1beta/files", {"file": {"displayName": "empty", "name": "files/my-id"}}
    )
    assert meta["file"]["name"] == "files/my-id"
    await api.post("/v1beta/files", {"file": {"name": "files/Bad_Name"}}, expect=400)
    await api.post("/upload/v1beta/files", {"file": {}}, expect=400)


async def test_files_list_get_delete_and_pagination(api: Api) -> None:
    for index in range(13):
        await api.post("/v1beta/files", {"file": {"displayName": f"f{index}"}})
    first = await api.get("/v1beta/files")
    check(first, "ListFilesResponse")
    assert len(first["files"]) == 10
    assert first["nextPageToken"]
    second = await api.get("/v1beta/files", params={"pageToken": first["nextPageToken"]})
    assert len(second["files"]) == 3
    assert "nextPageToken" not in second
    await api.get("/v1beta/files", params={"pageToken": "bad"}, expect=400)
    name = first["files"][0]["name"]
    assert await api.delete(f"/v1beta/{name}") == {}
    await api.get(f"/v1beta/{name}", expect=404)
    await api.delete(f"/v1beta/{name}", expect=404)


async def test_processing_delay_and_no_content_storage(api: Api, emulator: Any) -> None:
    emulator.settings.file_processing_delay = 0.05
    emulator.settings.store_upload_content = False
    async with api.session.post(
        api.base + "/upload/v1beta/files",
        data=b"abc",
        headers={
            "x-goog-api-key": KEY,
            "X-Goog-Upload-Protocol": "raw",
            "Content-Type": "text/plain",
        },
    ) as response:
        file = (await response.json())["file"]
    assert file["state"] == "PROCESSING"
    import anyio

    await anyio.sleep(0.08)
    assert (await api.get(f"/v1beta/{file['name']}"))["state"] == "ACTIVE"
    generated = emulator.add_generated_file(b"abc")
    missing = await api.get(
        f"/v1beta/{generated['name']}:download", params={"alt": "media"}, expect=404
    )
    assert missing["error"]["status"] == "NOT_FOUND"
    assert await api.get(f"/v1beta/{file['name']}:download") == {}


async def test_big_upload_streams_to_disk(api: Api, emulator: Any) -> None:
    chunk = b"z" * (256 * KIB)
    total = 16 * len(chunk)
    url, _ = await start_upload(api, total)
    for index in range(16):
        command = "upload, finalize" if index == 15 else "upload"
        response = await send(api, url, command, index * len(chunk), chunk)
        assert response.status == 200
    file = (await api.get("/v1beta/files"))["files"][-1]
    assert file["sizeBytes"] == str(total)
    assert json.dumps(file)
