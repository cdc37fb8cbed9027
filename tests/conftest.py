"""Shared fixtures: no network in tests, the demo corpus, a demo index built once."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ordinary tests may talk to this machine only (local test servers)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1", "")):
            raise OSError(f"network access blocked in tests: {address}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def corpus_files() -> dict[str, Path]:
    """The demo corpus files by their three-digit prefix ("000" … "004")."""
    return {p.name[:3]: p for p in sorted(CORPUS.glob("*.txt"))}


@pytest.fixture(scope="session")
def demo_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An index of the demo corpus, built once per test session."""
    from app.build import build_index
    from ingest.chunking import ChunkSettings

    folder = tmp_path_factory.mktemp("demo") / "index"
    build_index([CORPUS], folder, settings=ChunkSettings(), root=ROOT)
    yield folder
    shutil.rmtree(folder.parent, ignore_errors=True)
