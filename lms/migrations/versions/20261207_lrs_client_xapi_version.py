"""the xAPI version each LRS client speaks

Revision ID: 3b8e6d2f9a41
Revises: 7e3a9c1d5b20
Create Date: 2026-12-07 15:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


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


def downgrade():
    with op.batch_alter_table('lrs_clients', schema=None) as batch_op:
        batch_op.drop_column('xapi_version')
