"""The server's settings: one typed object, read from the environment and `.env`."""

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

THREAD_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
RUN_ID_PATTERN = THREAD_ID_PATTERN
ORIGIN_PATTERN = r"^https?://[^/?#@\s]+$"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


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
    fast_model_streams: bool = Field(
        True,
        description=(
            "Read every ChatOpenAI's streams as plain dicts and write its plain text history the short way"
            " (false: the SDK's and langchain-openai's own ways)."
        ),
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
    session_ttl_seconds: int = Field(
        43200, gt=0, description="How long the page's sign-in (its session cookie) lasts."
    )
    allowed_hosts: Annotated[list[str] | None, NoDecode] = Field(
        None,
        description="Host names the server answers to, comma-separated, * for any "
        "(unset: the loopback names, and any IP address when HOST is not loopback).",
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        [],
        description="Origins of other sites' pages allowed to call the server (CORS), comma-separated.",
    )
    max_body_bytes: int = Field(
        4 * 1024 * 1024,
        gt=0,
        description="Largest accepted request body (POST /agui re-sends the whole conversation).",
    )

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts_are_names(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        hosts = [host_name(entry) for entry in value]
        for entry, host in zip(value, hosts, strict=True):
            bare = entry.strip().lower().strip("[]").rstrip(".")
            if host != bare or (host != "*" and not re.fullmatch(r"[a-z0-9_.-]+|[0-9a-f:.]+", host)):
                raise ValueError(f"ALLOWED_HOSTS entry {entry!r} is not a host name (no scheme, no port)")
        return hosts

    @field_validator("allowed_origins")
    @classmethod
    def _origins_are_origins(cls, value: list[str]) -> list[str]:
        origins = [entry.rstrip("/").lower() for entry in value]
        for entry, origin in zip(value, origins, strict=True):
            if not re.fullmatch(ORIGIN_PATTERN, origin):
                raise ValueError(
                    f"ALLOWED_ORIGINS entry {entry!r} is not an origin such as https://app.example.com"
                    " ('*' is not accepted: it would let every website drive the server)"
                )
        return origins

    @model_validator(mode="after")
    def _body_fits_a_message(self) -> "Settings":
        # A message of MAX_MESSAGE_BYTES can take six times as many bytes as escaped JSON (\u0001).
        smallest = 6 * self.max_message_bytes + 4096
        if self.max_body_bytes < smallest:
            raise ValueError(
                f"MAX_BODY_BYTES ({self.max_body_bytes}) is below {smallest}, the largest legal "
                "body of one message of MAX_MESSAGE_BYTES"
            )
        return self

    @field_validator("graph")
    @classmethod
    def _graph_is_a_reference(cls, value: str) -> str:
        module, _, attribute = value.partition(":")
        if not module or not attribute:
            raise ValueError(f"GRAPH {value!r} is not of the form package.module:factory")
        return value

    @property
    def bound_to_loopback(self) -> bool:
        """Whether HOST is a loopback address, reachable from this machine only."""
        name = host_name(self.host)
        if name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    @property
    def model_name(self) -> str:
        """Which model answers, as /readyz reports it."""
        return self.model if self.openai_api_key else "offline"


def host_name(host: str) -> str:
    """A Host header's or setting's name, lower case, without port, brackets or final dot."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    name, colon, port = host.rpartition(":")
    if colon and port.isdecimal() and ":" not in name:
        host = name
    return host.rstrip(".")
