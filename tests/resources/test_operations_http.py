"""Long-running operations over HTTP: handles from create / predictLongRunning /
batchGenerateContent / asyncBatchEmbedContent / importFile, waiting, failures, cancelling
batches, and ``client.operations`` for any operation name."""

from __future__ import annotations

import pytest

from genlang_async import Client, Operation, OperationFailedError, OperationTimeoutError
from genlang_async import types as T
from genlang_async.emulator import Emulator

from .conftest import EMBEDDER, MODEL, TUNABLE, TUNING_TASK, World, inline_generate_batch


async def test_wait_polls_until_done(client: Client, emulator: Emulator) -> None:
    emulator.settings.operation_delay = 0.15
    op = await client.tuned_models.create(
        base_model=f"models/{TUNABLE}", tuning_task=TUNING_TASK, display_name="slow"
    )
    assert isinstance(op, Operation)
    assert not op.done
    assert op.metadata is not None
    model = await op.wait(timeout=5, poll_interval=0.02)
    assert isinstance(model, T.TunedModel)
    assert model.display_name == "slow"
    polls = [e for e in emulator.request_log if e["path"] == f"/v1beta/{op.name}"]
    assert len(polls) >= 2
    assert all(e["method"] == "GET" for e in polls)
    assert op.result() is model  # kept


async def test_wait_times_out(client: Client, emulator: Emulator) -> None:
    emulator.settings.operation_delay = 60
    op = await client.models.predict_long_running(
        "veo-3.1-generate-preview", instances=[{"prompt": "a dog"}]
    )
    with pytest.raises(OperationTimeoutError):
        await op.wait(timeout=0.1, poll_interval=0.02)


async def test_failed_operation_raises_its_error(world: World) -> None:
    name = await world.tuned_model()
    op_name = world.add_operation(f"{name}/operations/failed", {})
    del world.emu.state.operations[op_name].data["response"]
    world.emu.state.operations[op_name].data["error"] = {
        "code": 3,
        "message": "bad training data",
    }
    op = await world.client.tuned_models.operations.get(op_name)
    with pytest.raises(OperationFailedError, match="bad training data") as info:
        await op.wait(timeout=5, poll_interval=0.01)
    assert info.value.status == "INVALID_ARGUMENT"
    assert info.value.operation_name == op_name
    with pytest.raises(OperationFailedError):
        await world.client.operations.wait(op_name, timeout=5, poll_interval=0.01)


async def test_cancel_a_batch_through_its_handle(client: Client, emulator: Emulator) -> None:
    emulator.settings.operation_delay = 60
    op = await client.models.batch_generate_content(MODEL, batch=inline_generate_batch())
    await op.cancel()
    assert emulator.request_log[-1]["method"] == "POST"
    assert emulator.request_log[-1]["path"] == f"/v1beta/{op.name}:cancel"
    with pytest.raises(OperationFailedError) as info:
        await op.wait(timeout=5, poll_interval=0.01)
    assert info.value.status == "CANCELLED"
    assert op.metadata is not None
    assert op.metadata["state"] == "BATCH_STATE_CANCELLED"


async def test_only_batches_can_be_cancelled(client: Client) -> None:
    op = await client.models.predict_long_running(
        "veo-3.1-generate-preview", instances=[{"prompt": "a dog"}]
    )
    with pytest.raises(NotImplementedError):
        await op.cancel()


async def test_embed_batch_result(client: Client) -> None:
    from .conftest import inline_embed_batch

    op = await client.models.async_batch_embed_content(EMBEDDER, batch=inline_embed_batch())
    output = await op.wait(timeout=5, poll_interval=0.01)
    assert isinstance(output, T.EmbedContentBatchOutput)
    assert output.inlined_responses is not None
    responses = output.inlined_responses.inlined_responses or []
    assert len(responses) == 1


# -- client.operations ------------------------------------------------------------------------


async def test_operations_get_any_kind(world: World) -> None:
    ops = world.client.operations
    tuned = await world.tuned_model()
    tuned_op = next(n for n in world.emu.state.operations if n.startswith(f"{tuned}/operations/"))
    assert isinstance(await (await ops.get(tuned_op)).wait(timeout=5), T.TunedModel)

    video_op = await world.video_operation()
    result = await ops.wait(video_op, timeout=5, poll_interval=0.01)
    assert isinstance(result, T.PredictLongRunningResponse)

    _, import_op = await world.store_document()
    assert isinstance(await ops.wait(import_op, timeout=5), T.ImportFileResponse)

    store = await world.store()
    upload_op = world.add_operation(f"{store}/upload/operations/u9", {"parent": store})
    assert isinstance(await ops.wait(upload_op), T.UploadToFileSearchStoreResponse)

    corpus_op = world.add_operation(f"{await world.corpus()}/operations/c9", {"x": 1})
    assert await ops.wait(corpus_op) == {"x": 1}

    generated = await world.generated_file()
    gen_op = next(n for n in world.emu.state.operations if n.startswith(f"{generated}/"))
    assert (await ops.get(gen_op)).done

    batch = await world.batch()
    assert isinstance(await ops.wait(batch, timeout=5), T.GenerateContentBatchOutput)
    embed_batch = await world.batch("embed")
    assert isinstance(await ops.wait(embed_batch, timeout=5), T.EmbedContentBatchOutput)
    assert world.client.connections_in_use == 0


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("abc", ValueError),
        ("models/x", ValueError),
        ("tunedModels/x/permissions/y", ValueError),
        ("batches/a/b", ValueError),
        (123, TypeError),
    ],
)
async def test_operations_get_checks_the_name(
    client: Client, emulator: Emulator, name: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match="name"):
        await client.operations.get(name)  # type: ignore[arg-type]
    assert emulator.request_log == []
