"""Every shell command shown in README.md and docs/ runs as written, in a fresh virtualenv.

The rules (also in CONTRIBUTING.md, "Commands in the docs"):

* **What**: each line of the ``bash``/``sh``/``shell`` fenced blocks, and the ``$`` lines of
  ``console`` blocks, of README.md and every page under docs/. Inline code that starts with
  ``genlang `` or ``python -m genlang_async.emulator`` is checked by the command's own argument
  parser (the subcommand and every option it shows must exist; arguments may be left out or
  be placeholders), not run; a shell pipe or ``&`` after it is ignored.
* **Where**: one bash shell per document (its blocks in order, so ``export`` and ``&`` carry
  over), in a fresh copy of the checkout, with a fresh virtualenv (the checkout installed in
  it) whose dependencies come from the test environment: pip runs with ``--no-index`` and no
  build isolation, so nothing is downloaded. No API key and no ``GENLANG_BASE_URL`` are set.
* **Adapted, and said so in the test output**: the documented ports 8765 and 8080 become free
  ports; after a line that ends with ``&`` the shell waits (up to 30 s) for its ``--port`` to
  open; a server started in the foreground (``genlang emulator``, ``python -m
  genlang_async.emulator``, ``examples/sse_relay_backend.py``) is started, must open its port,
  and is stopped; ``pip install genlang-async`` installs the checkout (``pip install .``);
  ``pytest`` collects the suite (``--collect-only``) rather than running it, since this test
  is part of it.
* **Not run, and listed as such**: ``export GEMINI_API_KEY=...`` with the placeholder ``...``
  (it needs a real key), and every block right after a ``<!-- not run: REASON -->`` comment
  (for commands that need the network, such as ``nox``; the reason is shown in the docs'
  source and in the test output).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SHELL_FENCES = ("bash", "sh", "shell")
FENCE = re.compile(r"^```(\S*)\s*$")
NOT_RUN = re.compile(r"<!--\s*not run:\s*(.+?)\s*-->")
PLACEHOLDER_KEY = re.compile(r"^(export\s+)?(GEMINI|GOOGLE)_API_KEY=\.\.\.(\s|$)")
FOREGROUND_SERVER = re.compile(
    r"^(genlang emulator|python -m genlang_async\.emulator|python examples/sse_relay_backend\.py)\b"
)
INLINE = re.compile(r"`((?:genlang|python -m genlang_async\.emulator) [^`]+)`")
DOC_PORTS = (8765, 8080)
TIMEOUT = 300

PRELUDE = """\
set -e
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
wait_port() {
    for _ in $(seq 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on port $1" >&2
    return 1
}
"""


def strip_comment(line: str) -> str:
    """``line`` without a trailing shell comment (a ``#`` after a blank, outside quotes)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def shell_blocks(text: str) -> Iterator[tuple[list[str], str | None]]:
    """``(command lines, not-run reason or None)`` for each shell block of a Markdown text."""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index].strip())
        if match is None or not match.group(1):
            index += 1
            continue
        language = match.group(1)
        before = next((line for line in reversed(lines[:index]) if line.strip()), "")
        reason = NOT_RUN.search(before)
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        body = lines[index + 1 : end]
        index = end + 1
        if language in SHELL_FENCES:
            commands = [strip_comment(line) for line in body]
        elif language == "console":
            commands = [line[2:] for line in body if line.startswith("$ ")]
        else:
            continue
        yield [c for c in commands if c.strip()], reason.group(1) if reason else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def adapt(command: str, ports: dict[int, int], notes: list[str]) -> str:
    """The shell text that runs ``command`` under the rules of this module."""
    if PLACEHOLDER_KEY.match(command):
        notes.append(f"not run (needs a real API key): {command}")
        return ""
    adapted = command
    for documented, port in ports.items():
        adapted = adapted.replace(str(documented), str(port))
    adapted = re.sub(r"pip install genlang-async\b", "pip install .", adapted)
    adapted = re.sub(r"\bpython -m pytest\b", "python -m pytest --collect-only -q", adapted)
    port = re.search(r"--port (\d+)", adapted)
    if adapted.endswith("&"):
        adapted += f"\nwait_port {port.group(1)}" if port else ""
    elif FOREGROUND_SERVER.match(adapted) and port:
        adapted = f"{adapted} &\nwait_port {port.group(1)}\nkill $!\nwait $! || true"
        notes.append(f"server started, port checked, stopped: {command}")
    elif adapted != command:
        notes.append(f"run as {adapted.splitlines()[0]!r}: {command}")
    return adapted


def script_for(document: Path) -> tuple[str, list[str]]:
    """The bash script for one document, and notes on what was adapted or not run."""
    ports = {documented: free_port() for documented in DOC_PORTS}
    notes: list[str] = []
    parts = [PRELUDE]
    for commands, reason in shell_blocks(document.read_text(encoding="utf-8")):
        if reason is not None:
            notes.extend(f"not run ({reason}): {command}" for command in commands)
            continue
        for command in commands:
            parts.append(f"printf '+ %s\\n' {shlex.quote(command)} >&2")
            parts.append(adapt(command, ports, notes))
    return "\n".join(parts) + "\n", notes


def documents_with_commands() -> list[Path]:
    return [doc for doc in DOCUMENTS if any(shell_blocks(doc.read_text(encoding="utf-8")))]


@pytest.fixture(scope="session")
def fresh_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A copy of the checkout and a fresh virtualenv with the checkout installed in it."""
    base = tmp_path_factory.mktemp("docs-commands")
    checkout = base / "checkout"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = checkout / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "_test_environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GENLANG_BASE_URL", "PYTHONPATH")
    }
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        PIP_NO_INDEX="1",
        PIP_NO_BUILD_ISOLATION="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_QUIET="1",
        CHECKOUT=str(checkout),
    )
    subprocess.run([str(python), "-m", "pip", "install", "."], cwd=checkout, env=env, check=True)
    return env


@pytest.mark.parametrize(
    "document", documents_with_commands(), ids=lambda doc: str(doc.relative_to(ROOT))
)
def test_shell_commands_run_as_written(document: Path, fresh_env: dict[str, str]) -> None:
    script, notes = script_for(document)
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=fresh_env["CHECKOUT"],
        env=fresh_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    print("\n".join(notes))  # shown with -rA: what was adapted or not run, and why
    assert result.returncode == 0, f"{result.stderr[-4000:]}\n--- script ---\n{script}"


def inline_commands() -> list[tuple[str, str]]:
    found = []
    for document in DOCUMENTS:
        for span in INLINE.findall(document.read_text(encoding="utf-8")):
            found.append((str(document.relative_to(ROOT)), span))
    return found


@pytest.mark.parametrize(("document", "command"), inline_commands())
def test_inline_commands_parse(document: str, command: str) -> None:
    from genlang_async.cli import build_parser
    from genlang_async.emulator._cli import add_arguments

    words = shlex.split(re.split(r"\s[|&;>]", command)[0])
    if words[0] == "genlang":
        parser, args = build_parser(), words[1:]
    else:
        parser, args = argparse.ArgumentParser(), words[3:]
        add_arguments(parser)
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            parser.parse_args(args)
    except SystemExit as exc:  # --help and --version exit with 0
        # Only the command and option names are checked: text may name a command without
        # its arguments (`genlang files upload`) or use placeholders (`--script FILE.json`).
        if exc.code and re.search(r"unrecognized arguments|invalid choice", errors.getvalue()):
            pytest.fail(f"{document}: `{command}` does not parse: {errors.getvalue()}")
