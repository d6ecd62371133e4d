"""Run Alembic programmatically against a URL (CLI, start-up and tests share this)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from hazwatch.core.db import Base, import_all_models


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Tables managed outside Alembic (reading partitions) are not schema drift."""
    return not (type_ == "table" and name is not None and name.startswith("reading_p"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "hazwatch:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def pending_differences(engine: Engine) -> list[object]:
    """Differences between the models and the migrated schema (empty when they agree)."""
    import_all_models()
    with engine.connect() as connection:
        migration_context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_name": include_name,
            },
        )
        return list(compare_metadata(migration_context, Base.metadata))
