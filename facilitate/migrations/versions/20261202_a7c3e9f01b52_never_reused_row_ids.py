"""never reused row ids: AUTOINCREMENT on every SQLite table

Without AUTOINCREMENT, SQLite hands the id of the newest row out again once that row is
deleted: a phone still connected to a deleted session could then act in the next session as
the participant who got its old id (issue 16). PostgreSQL's sequences never go back, so there
this revision changes nothing.

Revision ID: a7c3e9f01b52
Revises: 2d4b5f4c36d8
Create Date: 2026-12-02 01:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f01b52'
down_revision = '2d4b5f4c36d8'
branch_labels = None
depends_on = None


def _tables(bind) -> list[str]:
    """The tables with a single integer primary key (the ones whose ids SQLite reuses)."""
    inspector = sa.inspect(bind)
    tables = []
    for name in inspector.get_table_names():
        if name == "alembic_version" or name.startswith("sqlite_"):
            continue
        key = inspector.get_pk_constraint(name)["constrained_columns"]
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        if len(key) == 1 and isinstance(columns[key[0]]["type"], sa.Integer):
            tables.append(name)
    return tables


def _rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # The tables are copied, dropped and renamed in turn, so foreign keys are not checked on the
    # way: off outside a transaction (the driver runs DDL without one), deferred to the commit
    # inside one (where turning them off would do nothing). Checked as a whole at the end.
    op.execute("PRAGMA foreign_keys = OFF")
    op.execute("PRAGMA defer_foreign_keys = ON")
    for name in _tables(bind):
        with op.batch_alter_table(
            name, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    # Reflection does not carry an index's WHERE over: the join code's partial unique index
    # (unique among sessions that are not over) is made again as the model has it.
    with op.batch_alter_table("live_sessions") as batch_op:
        batch_op.drop_index("uq_live_sessions_live_code")
        batch_op.create_index(
            "uq_live_sessions_live_code",
            ["code"],
            unique=True,
            sqlite_where=sa.text("status != 'ended'"),
        )
    dangling = bind.execute(sa.text("PRAGMA foreign_key_check")).all()
    op.execute("PRAGMA foreign_keys = ON")
    if dangling:
        raise RuntimeError(f"foreign keys that point at nothing: {dangling}")


def upgrade():
    _rebuild(True)


def downgrade():
    _rebuild(False)
