"""Checked by mypy (``[tool.mypy] files``), never run: the operations collections share one
generic ``get`` (``resources._base.OperationsNamespace``) and each still types its result."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from genlang_async import Client, Operation
from genlang_async.types import (
    ImportFileResponse,
    PredictLongRunningResponse,
    TunedModel,
    UploadToFileSearchStoreResponse,
)


async def check(client: Client) -> None:
    tuned = await client.tuned_models.operations.get("tunedModels/t/operations/o")
    assert_type(tuned, Operation[TunedModel])
    assert_type(await tuned.wait(), TunedModel)
    video = await client.models.operations.get("models/veo/operations/o")
    assert_type(video, Operation[PredictLongRunningResponse])
    imported = await client.file_search_stores.operations.get("fileSearchStores/s/operations/o")
    assert_type(imported, Operation[ImportFileResponse])
    uploaded = await client.file_search_stores.upload.operations.get("o", timeout=5)
    assert_type(uploaded, Operation[UploadToFileSearchStoreResponse])
    assert_type(await client.corpora.operations.get("o"), Operation[Any])
    assert_type(await client.generated_files.operations.get("o"), Operation[Any])
