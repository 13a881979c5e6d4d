"""Typed settings from the environment (SCR_*); default secrets are refused outside the embedded demo."""

from __future__ import annotations

from pydantic import Field, model_validator

from projections.settings import StoreSettings

# Not a secret: a marker for the embedded demo, refused with PostgreSQL (a real deployment).
DEMO_JWT_SECRET = "embedded-demo-secret-not-for-real-deployments"  # noqa: S105


class Settings(StoreSettings):
    """Configuration of one service process: the store's settings, the secrets and the API's limits."""

    jwt_secret: str = DEMO_JWT_SECRET
    read_wait_seconds: float = Field(default=5.0, ge=0, le=60)
    # Run the projections inside the API process: the embedded default (SQLite); on PostgreSQL a separate
    # `scr projections run` worker does it, so several API processes never compete to apply the same events.
    projections_in_process: bool | None = None
    ready_max_lag: int = Field(default=10_000, ge=0)
    log_level: str = "INFO"

    @model_validator(mode="after")
    def _refuse_demo_secret_on_postgres(self) -> Settings:
        if self.is_postgres and self.jwt_secret == DEMO_JWT_SECRET:
            raise ValueError("SCR_JWT_SECRET must be set to a real secret when SCR_DATABASE_URL is PostgreSQL")
        return self

    @property
    def runs_projections_in_process(self) -> bool:
        """Whether `scr serve` applies the projections itself (by default: on the embedded SQLite store)."""
        return not self.is_postgres if self.projections_in_process is None else self.projections_in_process
