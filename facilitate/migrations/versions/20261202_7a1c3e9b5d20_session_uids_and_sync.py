"""global uids of sessions and circles, imported sessions, sync receipts

Every existing session and circle gets a random UUID (backfilled here); new ones get theirs
when they are made.

Revision ID: 7a1c3e9b5d20
Revises: 7a3c9e1f5b20
Create Date: 2026-12-02 01:30:00

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a1c3e9b5d20'
down_revision = '7a3c9e1f5b20'
branch_labels = None
depends_on = None

#: A rebuilt SQLite table keeps AUTOINCREMENT (ids never reused, migration a7c3e9f01b52).
KEEP_AUTOINCREMENT = {'sqlite_autoincrement': True}


def _backfill(table: str) -> None:
    connection = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('uid', sa.String))
    for (row_id,) in connection.execute(sa.select(rows.c.id)).all():
        connection.execute(
            sa.update(rows).where(rows.c.id == row_id).values(uid=str(uuid.uuid4()))
        )


def upgrade():
    for table in ('live_sessions', 'circles'):
        with op.batch_alter_table(table, schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
            batch_op.add_column(sa.Column('uid', sa.String(length=36), nullable=True))
        _backfill(table)
        with op.batch_alter_table(table, schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
            batch_op.alter_column('uid', existing_type=sa.String(length=36), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_uid'), ['uid'])
    with op.batch_alter_table('live_sessions', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('snapshot_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('import_sha256', sa.String(length=64), nullable=True))
    op.create_table(
        'sync_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=500), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['session_id'], ['live_sessions.id'],
            name=op.f('fk_sync_receipts_session_id_live_sessions'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_receipts')),
        sa.UniqueConstraint(
            'session_id', 'target', name=op.f('uq_sync_receipts_session_id_target')
        ),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('sync_receipts', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_sync_receipts_session_id'), ['session_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('sync_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_receipts_session_id'))
    op.drop_table('sync_receipts')
    with op.batch_alter_table('live_sessions', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('import_sha256')
        batch_op.drop_column('snapshot_at')
        batch_op.drop_column('imported_at')
        batch_op.drop_column('origin')
    for table in ('circles', 'live_sessions'):
        with op.batch_alter_table(table, schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_uid'), type_='unique')
            batch_op.drop_column('uid')
