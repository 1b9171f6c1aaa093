"""Shared fixtures: an isolated user folder per test, one index cache per session,
and an in-process CLI runner with stdout and stderr kept apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "corpus" / "sources"  # the raw seed files, vendored from shared/seeds


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assist-cache")


@pytest.fixture(autouse=True)
def _isolate(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, session_cache: Path) -> None:
    monkeypatch.setenv("ASSIST_HOME", str(tmp_path / "assist-home"))
    monkeypatch.setenv("ASSIST_CACHE", str(session_cache))
    monkeypatch.delenv("ASSIST_CORPUS", raising=False)
    monkeypatch.delenv("ASSIST_PLUGINS", raising=False)
    monkeypatch.delenv("ASSIST_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.chdir(tmp_path)


class Run:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | bytes | None = None):
        from assistant.cli import app

        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def cli() -> Run:
    """``cli("check", "a.txt")`` → result with .exit_code, .stdout, .stderr."""
    return Run()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return sorted(SOURCES.glob("*.txt"))


@pytest.fixture
def read_only():
    """``read_only(folder)`` makes ``folder`` and the folders in it read-only, even for root
    (chattr +i), or skips the test; undone at the end."""
    import subprocess

    undo = []

    def make(folder: Path) -> Path:
        folders = [d for d in sorted(folder.rglob("*"), reverse=True) if d.is_dir()] + [folder]
        for d in folders:
            if os.geteuid() != 0:
                d.chmod(0o555)
                undo.append(lambda d=d: d.chmod(0o755))
                continue
            try:
                ok = subprocess.run(["chattr", "+i", str(d)], capture_output=True).returncode == 0
            except OSError:
                ok = False
            if not ok:
                pytest.skip("no way to make a read-only folder for root here (chattr +i)")
            undo.append(lambda d=d: subprocess.run(["chattr", "-i", str(d)], capture_output=True))
        return folder

    yield make
    for step in reversed(undo):
        step()


@pytest.fixture
def read_only_dir(tmp_path: Path, read_only) -> Path:
    """A read-only folder (with a read-only ``reports`` folder in it)."""
    folder = tmp_path / "read-only"
    (folder / "reports").mkdir(parents=True)
    return read_only(folder)
