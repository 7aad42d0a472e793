"""Database migrations (Alembic). Production runs `python -m todo_backend.migrate` once per
release (the Helm pre-upgrade hook); serving replicas never migrate there.

Rule for rollback safety (expand/contract): a release may only add nullable columns,
tables and indexes; it drops or tightens nothing the previous release still uses.
"""

import argparse
from pathlib import Path

from alembic import command
from alembic.config import Config

from todo_backend.settings import BackendSettings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    args = parser.parse_args()
    command.upgrade(alembic_config(BackendSettings().database_url), args.revision)


if __name__ == "__main__":
    main()
