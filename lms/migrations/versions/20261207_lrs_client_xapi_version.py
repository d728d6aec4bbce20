"""the xAPI version each LRS client speaks; stored queries of long more links

Revision ID: 3b8e6d2f9a41
Revises: 7e3a9c1d5b20
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import xapi.store_sql


# revision identifiers, used by Alembic.
revision = '3b8e6d2f9a41'
down_revision = '7e3a9c1d5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lrs_clients', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('xapi_version', sa.String(length=5), server_default='2.0.0', nullable=False)
        )
    op.create_table('xapi_more_queries',
    sa.Column('digest', sa.String(length=32), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('used_at', xapi.store_sql.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest', name=op.f('pk_xapi_more_queries'))
    )
    with op.batch_alter_table('xapi_more_queries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_xapi_more_queries_used_at'), ['used_at'], unique=False)


def downgrade():
    with op.batch_alter_table('xapi_more_queries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_xapi_more_queries_used_at'))
    op.drop_table('xapi_more_queries')
    with op.batch_alter_table('lrs_clients', schema=None) as batch_op:
        batch_op.drop_column('xapi_version')
