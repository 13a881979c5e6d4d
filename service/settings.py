"""Typed settings from the environment (SCR_*); no default secret: a weak one is refused everywhere."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, PrivateAttr, SecretStr, model_validator

from domain.retention import RetentionSchedule
from projections.settings import StoreSettings
from service.retention_classes import load_retention_schedule
from service.signing_secret import generated_secret, secret_weakness


class Settings(StoreSettings):
    """Configuration of one service process: the store's settings, the secrets and the API's limits."""

    # Empty: the embedded SQLite demo generates its own (service/signing_secret.py); PostgreSQL refuses to start.
    jwt_secret: str = Field(default="", repr=False)
    # The longest lifetime a token may have (exp - iat), in hours: issuing refuses more, verifying refuses
    # a token that claims more. Privileged roles (service/tokens.py PRIVILEGED_ROLES) get the shorter one.
    token_max_hours: float = Field(default=24.0, gt=0, le=24 * 31)
    token_max_hours_privileged: float = Field(default=12.0, gt=0, le=24 * 31)
    # Addresses (or CIDR ranges) of TLS proxies whose X-Forwarded-Proto/-For `scr serve` believes; empty: none.
    trusted_proxies: str = ""
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    # Run the projections inside the API process: the embedded default (SQLite); on PostgreSQL a separate
    # `scr projections run` worker does it, so several API processes never compete to apply the same events.
    projections_in_process: bool | None = None
    ready_max_lag: int = Field(default=10_000, ge=0)
    # Aggregates kept in memory per API process (0: none), each brought up to date from the log before use
    # instead of replayed from its first event (issue 15); see service.application.open_application. A review
    # takes about 15 KB in memory at 27 events (Daniel Pelka's timeline), so 1,024 of them tens of MB.
    aggregate_cache: int = Field(default=1024, ge=0, le=1_000_000)
    log_level: str = "INFO"
    # Limits and exposure (issue 14): enforced before authentication.
    idempotency_stale_seconds: float = Field(default=30.0, gt=0, le=3600)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_header_bytes: int = Field(default=8 * 1024, ge=1024)
    max_waiting_reads: int = Field(default=16, ge=1)
    # A bearer token for `/metrics` alone (an admin's token is accepted too); unset: admin only.
    metrics_token: SecretStr | None = None
    hsts_seconds: int = Field(default=31_536_000, ge=0)
    # The HTTP server (`scr serve`): a request's headers must arrive within this time and size; idle
    # keep-alive connections close after keep_alive_seconds; beyond max_connections uvicorn answers 503.
    header_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    max_header_section_bytes: int = Field(default=64 * 1024, ge=8 * 1024)
    keep_alive_seconds: float = Field(default=5.0, gt=0, le=300)
    max_connections: int = Field(default=1000, ge=1)
    # Records management (issue 13): the retention schedule's TOML file; unset: domain.retention's defaults.
    retention_classes: Path | None = None
    _retention: RetentionSchedule = PrivateAttr(default_factory=RetentionSchedule)

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        if not self.jwt_secret:
            if self.is_postgres:
                raise ValueError("SCR_JWT_SECRET must be set to a strong secret when SCR_DATABASE_URL is PostgreSQL")
            return self
        problem = secret_weakness(self.jwt_secret)
        if problem:
            raise ValueError(f"SCR_JWT_SECRET {problem}")
        return self

    @model_validator(mode="after")
    def _require_a_master_key(self) -> Settings:
        """PostgreSQL deployments name the master key (the embedded store makes its own: projections/master_key.py)."""
        if self.is_postgres and self.master_key is None:
            raise ValueError(
                "SCR_MASTER_KEY must name the master key file (32 random bytes as base64: `openssl rand -base64 32`) "
                "when SCR_DATABASE_URL is PostgreSQL: it wraps every review's data key, and is never in the database"
            )
        return self

    @model_validator(mode="after")
    def _read_retention_schedule(self) -> Settings:
        """Read the schedule once, at start: a bad file stops the process, naming the problem."""
        if self.retention_classes is not None:
            self._retention = load_retention_schedule(self.retention_classes)
        return self

    @property
    def retention(self) -> RetentionSchedule:
        """The retention classes in force (SCR_RETENTION_CLASSES, else the defaults of domain.retention)."""
        return self._retention

    @property
    def uses_generated_secret(self) -> bool:
        """Whether tokens are signed with the embedded demo's generated secret (no SCR_JWT_SECRET set)."""
        return not self.jwt_secret

    @cached_property
    def token_secret(self) -> str:
        """The secret tokens are signed with: SCR_JWT_SECRET, or the demo's generated one (made on first use)."""
        return self.jwt_secret or generated_secret(self.data_dir)

    @property
    def runs_projections_in_process(self) -> bool:
        """Whether `scr serve` applies the projections itself (by default: on the embedded SQLite store)."""
        return not self.is_postgres if self.projections_in_process is None else self.projections_in_process
