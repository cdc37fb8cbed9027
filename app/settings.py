"""Typed settings, read from ``BELEIDSVRAAG_*`` environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ingest.chunking import ChunkSettings


class Settings(BaseSettings):
    """Settings of the assistant; every field can be set as ``BELEIDSVRAAG_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="BELEIDSVRAAG_", extra="ignore")

    index: Path = Field(Path("data/index"), description="Index folder to write and read.")
    corpus: Path = Field(Path("data/corpus"), description="Folder ingested when no path is given.")
    chunk_target_chars: int = Field(800, ge=200, description="Preferred passage length in characters.")
    chunk_min_chars: int = Field(
        500, ge=50, description="A passage closes at a section start once this long (characters)."
    )
    chunk_max_chars: int = Field(1200, ge=300, description="Hard upper passage length in characters.")

    @model_validator(mode="after")
    def _sizes_ordered(self) -> Settings:
        if not self.chunk_min_chars <= self.chunk_target_chars <= self.chunk_max_chars:
            raise ValueError("chunk sizes must satisfy min <= target <= max")
        return self

    def chunk_settings(self) -> ChunkSettings:
        return ChunkSettings(self.chunk_target_chars, self.chunk_min_chars, self.chunk_max_chars)
