"""What a newcomer meets first: public names for what the docs use, a key error that says what
to do against the emulator, downloads with progress."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import genlang_async
from genlang_async import BadRequestError, Client, MissingAPIKeyError, ProgressBar
from genlang_async.emulator import Emulator
from genlang_async.emulator.pytest_plugin import client, emulator, emulator_settings
from genlang_async.types import File

__all__ = ["client", "emulator", "emulator_settings"]  # the plugin's fixtures, used here

ROOT = Path(__file__).resolve().parent.parent
PRIVATE_IMPORT = re.compile(r"\b(from|import) genlang_async(\.\w+)*\.(_\w+)")


def test_names_the_docs_use_are_public() -> None:
    from genlang_async import Chat, Chats, ProgressBar, ProgressCallback, QuotaFailure

    assert Chat.__module__ == "genlang_async._chats"
    assert {Chats, ProgressBar, QuotaFailure, ProgressCallback} <= {
        getattr(genlang_async, name) for name in genlang_async.__all__
    }
    for name in (
        "BadRequest",
        "DebugInfo",
        "ErrorInfo",
        "FieldViolation",
        "Help",
        "HelpLink",
        "LocalizedMessage",
        "PreconditionFailure",
        "PreconditionViolation",
        "QuotaViolation",
        "RequestInfo",
        "ResourceInfo",
        "RetryInfo",
    ):
        assert name in genlang_async.__all__
        assert getattr(genlang_async, name).__name__ == name


def test_docs_and_examples_import_only_public_names() -> None:
    pages = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md"), *(ROOT / "examples").glob("*.py")]
    found = [
        f"{page.relative_to(ROOT)}: {match.group(0)}"
        for page in pages
        for match in PRIVATE_IMPORT.finditer(page.read_text(encoding="utf-8"))
    ]
    assert found == []


async def test_missing_key_against_the_emulator_says_any_key_works(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GENLANG_BASE_URL", emulator.url)
    async with Client() as client:
        with pytest.raises(MissingAPIKeyError, match="any non-empty key works") as caught:
            await client.models.get("gemini-2.5-flash")
    assert emulator.url in str(caught.value)
    assert emulator.request_log == []  # nothing sent
    with_password = emulator.url.replace("http://", "http://user:hunter2@")
    async with Client(base_url=with_password) as client:
        with pytest.raises(MissingAPIKeyError) as caught:
            await client.models.get("gemini-2.5-flash")
    assert "hunter2" not in str(caught.value)
    assert "user:***@" in str(caught.value)


async def test_missing_key_against_google_does_not_mention_the_emulator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENLANG_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    async with Client() as client:
        with pytest.raises(MissingAPIKeyError) as caught:
            await client.models.get("gemini-2.5-flash")
    assert "emulator" not in str(caught.value)


async def test_download_reports_progress(client: Client, emulator: Emulator) -> None:
    data = bytes(range(256)) * 4096  # 1 MiB: several chunks
    file = File.from_dict(emulator.add_generated_file(data))
    assert file.name is not None
    seen: list[tuple[int, int | None]] = []

    async def progress(received: int, total: int | None) -> None:
        seen.append((received, total))

    sink = io.BytesIO()
    assert await client.files.download(file.name, sink, progress=progress) == len(data)
    assert sink.getvalue() == data
    assert seen[0] == (0, len(data))
    assert seen[-1] == (len(data), len(data))
    assert len(seen) > 2
    assert [r for r, _ in seen] == sorted(r for r, _ in seen)


async def test_download_progress_bar_draws_the_total(
    client: Client, emulator: Emulator, tmp_path: Path
) -> None:
    data = b"v" * 300_000
    file = File.from_dict(emulator.add_generated_file(data))
    assert file.name is not None
    screen = io.StringIO()
    bar = ProgressBar("downloading", stream=screen)
    await client.files.download(file.name, tmp_path / "v.mp4", progress=bar)
    assert (tmp_path / "v.mp4").read_bytes() == data
    assert "293.0 KiB / 293.0 KiB" in screen.getvalue()


async def test_uploaded_files_do_not_download(client: Client) -> None:
    uploaded = await client.files.upload(b"notes", mime_type="text/plain")
    assert uploaded.name is not None
    with pytest.raises(BadRequestError, match="Only generated files"):
        await client.files.download(uploaded.name, io.BytesIO())


def test_tests_read_recorded_fixtures_from_the_repository() -> None:
    """Recordings and spec files live in tests/fixtures (copies): no test looks outside the
    repository for them, so none can skip or fail for want of a sibling folder."""
    outside = ("/work" + "/", "shared" + "/fixtures", "../" + "shared")
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if any(text in path.read_text(encoding="utf-8") for text in outside)
    ]
    assert offenders == []
    assert len(list((ROOT / "tests" / "fixtures" / "real").rglob("*.json"))) >= 60


def test_help_documents_every_argument_without_object_defaults() -> None:
    import inspect
    import pydoc

    client = Client(api_key="k")
    methods = [
        client.models.generate_content,
        client.models.stream_generate_content,
        client.models.count_tokens,
        client.models.embed_content,
        client.models.list,
        client.files.get,
        client.cached_contents.create,
        client.chats.create("gemini-2.5-flash").send_message,
    ]
    for method in methods:
        text = pydoc.render_doc(method, renderer=pydoc.plaintext)
        assert "<object object at" not in text, method
        if method.__name__ == "send_message":
            continue
        assert "Args:" in text, method
        signature = inspect.signature(method)
        named = [n for n, p in signature.parameters.items() if p.kind is not p.VAR_KEYWORD]
        for name in (*named, "timeout", "max_retries"):
            if name not in ("response_schema", "repair_attempts"):
                assert f"        {name}: " in text, (method.__name__, name)
