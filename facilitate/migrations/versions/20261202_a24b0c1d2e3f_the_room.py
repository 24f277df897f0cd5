"""the room: live results setting, municipality at start, presented ranking order

Revision ID: a24b0c1d2e3f
Revises: 7a1c3e9b5d20
Create Date: 2026-12-02 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a24b0c1d2e3f'
down_revision = '7a1c3e9b5d20'
branch_labels = None
depends_on = None

#: A rebuilt SQLite table keeps AUTOINCREMENT (ids never reused, migration a7c3e9f01b52).
KEEP_AUTOINCREMENT = {'sqlite_autoincrement': True}


def upgrade():
    with op.batch_alter_table('live_sessions', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('hide_live_results', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('municipality', sa.String(length=32), nullable=True))
    with op.batch_alter_table('users', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('last_municipality', sa.String(length=32), nullable=True))
    with op.batch_alter_table('responses', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.add_column(sa.Column('presented', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('responses', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('presented')
    with op.batch_alter_table('users', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('last_municipality')
    with op.batch_alter_table('live_sessions', schema=None, table_kwargs=KEEP_AUTOINCREMENT) as batch_op:
        batch_op.drop_column('municipality')
        batch_op.drop_column('hide_live_results')
