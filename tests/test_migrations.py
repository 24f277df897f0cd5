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


def test_upgrade_makes_every_sqlite_table_never_reuse_ids_and_keeps_the_data(tmp_path):
    """A database from before the rebuild: its rows, foreign keys and the join code's partial
    index survive it, and the id of a deleted newest row is not handed out again."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="2d4b5f4c36d8")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, role, active, created_at) "
                    "VALUES (1, 'leader@example.org', 'leader', 1, '2026-01-01')"
                )
            )
            for session_id, code in ((1, "11111111"), (2, "22222222")):
                connection.execute(
                    sa.text(
                        "INSERT INTO live_sessions (id, code, module_id, part_id, leader_id, "
                        "status, step_open, revealed, locale, competitive, speed_bonus, "
                        "team_mode, extra_time, premoderation, created_at) VALUES (:id, :code, "
                        "'m', 'p', 1, 'ended', 0, 0, 'sv', 0, 0, 0, 1, 0, '2026-01-01')"
                    ),
                    {"id": session_id, "code": code},
                )
            connection.execute(
                sa.text(
                    "INSERT INTO participants (id, session_id, token_hash, locale, proxy, "
                    "joined_at) VALUES (7, 2, 'hash', 'sv', 0, '2026-01-01')"
                )
            )
        upgrade()
        with db.engine.begin() as connection:
            schema = dict(connection.execute(sa.text("SELECT name, sql FROM sqlite_master")).all())
            keyed = [
                name
                for name in sa.inspect(connection).get_table_names()
                if name != "alembic_version" and not name.startswith("sqlite_")
            ]
            assert keyed and all("AUTOINCREMENT" in schema[name] for name in keyed), schema
            assert "WHERE status != 'ended'" in schema["uq_live_sessions_live_code"]
            assert "ON DELETE CASCADE" in schema["participants"]
            assert connection.execute(sa.text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(sa.text("SELECT id, session_id FROM participants")).all() == [
                (7, 2)
            ]
            connection.execute(sa.text("DELETE FROM participants"))
            connection.execute(sa.text("DELETE FROM live_sessions WHERE id = 2"))
            connection.execute(
                sa.text(
                    "INSERT INTO live_sessions (uid, code, module_id, part_id, leader_id, status, "
                    "step_open, revealed, locale, competitive, speed_bonus, team_mode, "
                    "extra_time, premoderation, created_at) VALUES ('u3', '33333333', 'm', 'p', "
                    "1, 'lobby', 0, 0, 'sv', 0, 0, 0, 1, 0, '2026-01-01')"
                )
            )
            assert connection.execute(sa.text("SELECT max(id) FROM live_sessions")).scalar() == 3


def test_existing_sessions_and_circles_get_distinct_uids(tmp_path):
    """Rows made before uids existed get one each when the database is upgraded."""
    import uuid

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="2d4b5f4c36d8")
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, email, role, active, created_at) "
                    "VALUES (1, 'l@example.org', 'leader', 1, '2026-01-01 10:00:00')"
                )
            )
            for n in (1, 2):
                connection.execute(
                    sa.text(
                        "INSERT INTO circles (id, name, municipality, organiser, leader_id, "
                        "module_id, created_at) VALUES (:n, 'C', 'lulea', 'ABF', 1, "
                        "'norrbotten-for-alla', '2026-01-01 10:00:00')"
                    ),
                    {"n": n},
                )
            for n in (1, 2, 3):
                connection.execute(
                    sa.text(
                        "INSERT INTO live_sessions (id, code, module_id, part_id, leader_id, "
                        "status, step_open, revealed, locale, competitive, speed_bonus, "
                        "team_mode, extra_time, premoderation, created_at) VALUES (:n, '123', "
                        "'norrbotten-for-alla', 'demografi', 1, 'ended', 0, 0, 'sv', 0, 0, 0, "
                        "1.0, 0, '2026-01-01 10:00:00')"
                    ),
                    {"n": n},
                )
        upgrade()
        with db.engine.connect() as connection:
            for table, count in (("live_sessions", 3), ("circles", 2)):
                uids = [row[0] for row in connection.execute(sa.text(f"SELECT uid FROM {table}"))]
                assert len(set(uids)) == count
                assert all(str(uuid.UUID(u)) == u for u in uids)
