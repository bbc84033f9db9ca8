"""Developer sessions: ``nox -s tests lint typecheck`` (and ``docs``, ``bench``, ``codegen``)."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True


@nox.session
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    session.install("-e", ".[typecheck]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site (warnings are errors); ``-- serve`` to preview it."""
    session.install("-e", ".[docs]")
    session.env["NO_MKDOCS_2_WARNING"] = "1"
    if "serve" in session.posargs:
        session.run("mkdocs", "serve")
    else:
        session.run("mkdocs", "build", "--strict")


@nox.session
def codegen(session: nox.Session) -> None:
    """Check that the generated types and resources are up to date (``-- --write`` to
    regenerate them)."""
    session.install("ruff>=0.6")
    check = [] if "--write" in session.posargs else ["--check"]
    for generator in ("tools.codegen.generate", "tools.codegen.resources"):
        session.run("python", "-m", generator, *check)


@nox.session
def bench(session: nox.Session) -> None:
    """Client benchmarks (``nox -s bench -- --quick`` for a smoke run); see benchmarks/README.md."""
    session.install("-e", ".[bench]")
    session.run("python", "-m", "benchmarks", *session.posargs)
