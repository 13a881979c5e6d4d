"""Typed settings from the environment (SCR_*); default secrets are refused outside the embedded demo."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Not a secret: a marker for the embedded demo, refused with PostgreSQL (a real deployment).
DEMO_JWT_SECRET = "embedded-demo-secret-not-for-real-deployments"  # noqa: S105


class Settings(BaseSettings):
    """Configuration of one process: where the store is, the secrets, the rule settings."""

    model_config = SettingsConfigDict(env_prefix="SCR_", frozen=True)

    data_dir: Path = Path("var")
    database_url: str = ""
    jwt_secret: str = DEMO_JWT_SECRET
    signing_key: Path | None = None
    # Signed checkpoints: where their JSON files go (default data_dir/checkpoints) and how often.
    checkpoint_dir: Path | None = None
    checkpoint_every_events: int = Field(default=1000, ge=1)
    checkpoint_every_seconds: float = Field(default=300.0, gt=0)
    # WT 2013's notification deadline is unconfirmed in the sources: configurable, default 5 working days.
    notify_incident_scr_2013_working_days: int = Field(default=5, ge=1, le=60)
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    # Run the projections inside the API process: the embedded default (SQLite); on PostgreSQL a separate
    # `scr projections run` worker does it, so several API processes never compete to apply the same events.
    projections_in_process: bool | None = None
    ready_max_lag: int = Field(default=10_000, ge=0)
    # PostgreSQL inserts without the table lock (the library's insert function): about twice the write
    # rate with concurrent clients; safe because the projection engine reads only below in-flight writers.
    fast_inserts: bool = False
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_demo_secret_on_postgres(self) -> Settings:
        if self.is_postgres and self.jwt_secret == DEMO_JWT_SECRET:
            raise ValueError("SCR_JWT_SECRET must be set to a real secret when SCR_DATABASE_URL is PostgreSQL")
        return self

    @property
    def url(self) -> str:
        """The database URL; by default an SQLite file in the data directory."""
        return self.database_url or f"sqlite:///{self.data_dir / 'scr.sqlite3'}"

    @property
    def runs_projections_in_process(self) -> bool:
        """Whether `scr serve` applies the projections itself (by default: on the embedded SQLite store)."""
        return not self.is_postgres if self.projections_in_process is None else self.projections_in_process

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgresql://", "postgres://"))
