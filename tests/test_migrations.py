"""Migrations build exactly the schema the models describe, so `make run` and the models agree."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from facilitate import create_app
from facilitate.extensions import db


def test_upgrade_creates_the_schema_of_the_models(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'migrated.sqlite3'}"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert differences == []
            tables = set(sa.inspect(connection).get_table_names())
        assert {"users", "api_tokens", "alembic_version"} <= tables
        downgrade(revision="base")
        with db.engine.connect() as connection:
            assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}


def test_db_upgrade_command_is_idempotent(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from facilitate.cli import cli

    monkeypatch.setenv("FACILITATE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    for _ in range(2):
        result = CliRunner().invoke(cli, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
