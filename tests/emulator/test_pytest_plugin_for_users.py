"""The emulator's pytest plugin as a user enables it, in a separate pytest run."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

USER_TESTS = """
import pytest

import genlang_async


async def test_generate(client, emulator):
    response = await client.models.generate_content("gemini-2.5-flash", contents="hello")
    assert response.text
    assert [entry for entry in emulator.request_log if "generateContent" in entry["path"]]


async def test_models_are_listed(client):
    names = [model.name async for model in client.models.list()]
    assert "models/gemini-2.5-flash" in names


ANSWER = {"candidates": [{"content": {"role": "model", "parts": [{"text": "scripted"}]}}]}


@pytest.mark.emulator_script("*:generateContent", [ANSWER])
@pytest.mark.emulator_script("*:generateContent", [{"error": {"code": 503, "message": "x"}}])
async def test_scripted_by_marker(client):
    with pytest.raises(genlang_async.ServiceUnavailableError):
        await client.models.generate_content("gemini-2.5-flash", contents="hi", max_retries=0)
    response = await client.models.generate_content("gemini-2.5-flash", contents="hi")
    assert response.text == "scripted"
    response = await client.models.generate_content("gemini-2.5-flash", contents="hi")
    assert response.text.startswith("Emulated answer")
"""


def test_client_and_emulator_fixtures_in_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nanyio_mode = auto\nfilterwarnings = error\n")
    pytester.makeconftest('pytest_plugins = ["genlang_async.emulator.pytest_plugin"]\n')
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
