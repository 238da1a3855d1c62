"""The server's settings: one typed object, read from the environment and `.env`."""

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

THREAD_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
RUN_ID_PATTERN = THREAD_ID_PATTERN


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Address the server listens on.")
    port: int = Field(8000, ge=0, le=65535, description="Port the server listens on.")
    workers: int = Field(1, ge=1, description="Server processes sharing the port.")
    log_level: str = Field("info", description="Python log level.")

    database_url: str | None = Field(
        None, description="PostgreSQL URL; unset starts an embedded PostgreSQL in DATA_DIR."
    )
    data_dir: Path = Field(Path(".data"), description="Folder of the embedded PostgreSQL.")
    db_pool_size: int = Field(20, ge=2, description="Largest size of each connection pool.")
    db_prepared_statements: bool = Field(
        True, description="Use prepared statements; turn off behind PgBouncer (transaction mode)."
    )
    db_max_idle_seconds: float = Field(
        300, gt=0, description="Close pooled connections idle for longer than this."
    )

    openai_api_key: str | None = Field(None, description="Key for the OpenAI-compatible API.")
    openai_base_url: str | None = Field(None, description="OpenAI-compatible endpoint URL.")
    model: str = Field("gpt-4o-mini", description="Model name sent to the endpoint.")
    model_timeout_seconds: float = Field(60, gt=0, description="Timeout of one model request.")
    model_max_retries: int = Field(
        2, ge=0, description="Retries of a model request that failed before any token."
    )
    context_tokens: int | None = Field(
        None, gt=0, description="Token budget of what is sent to the model (unset: everything)."
    )
    offline_token_delay: float = Field(
        0.03, ge=0, description="Seconds between tokens of the built-in offline model."
    )
    durability: Literal["exit", "async", "sync"] = Field(
        "exit",
        description="When a turn is checkpointed: once at its end (exit), or after every step.",
    )
    graph: str = Field("agent.graph:build_graph", description="Graph factory as package.module:function.")

    max_message_bytes: int = Field(32768, gt=0, description="Largest accepted user message.")
    run_retention_seconds: float = Field(
        300, ge=0, description="How long a finished run's events can still be replayed."
    )
    run_buffer_events: int = Field(100_000, gt=0, description="Most events a run keeps for replay.")
    history_turns: int | None = Field(
        None, ge=1, description="Turns of checkpoint history kept per thread (unset: all)."
    )
    thread_ttl: float | None = Field(
        None, gt=0, description="Delete a thread idle for longer than this many seconds (unset: never)."
    )
    retention_sweep_seconds: float = Field(
        60, gt=0, description="How often HISTORY_TURNS and THREAD_TTL are applied."
    )
    shutdown_grace_seconds: float = Field(
        20, ge=0, description="On SIGTERM, how long active runs may go on before cancellation."
    )
    api_key: str | None = Field(None, description="When set, every endpoint but /healthz requires this key.")

    @field_validator("graph")
    @classmethod
    def _graph_is_a_reference(cls, value: str) -> str:
        module, _, attribute = value.partition(":")
        if not module or not attribute:
            raise ValueError(f"GRAPH {value!r} is not of the form package.module:factory")
        return value

    @property
    def model_name(self) -> str:
        """Which model answers, as /readyz reports it."""
        return self.model if self.openai_api_key else "offline"
