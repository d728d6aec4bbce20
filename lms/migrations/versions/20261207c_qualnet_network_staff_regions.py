"""network staff as a platform role; organisations' region and headcount (network picture)

Revision ID: 5b8e2c4d7a13
Revises: 9a4c2e7b1d35
Create Date: 2026-12-07 20:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b8e2c4d7a13'
down_revision = "9a4c2e7b1d35"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_network_staff', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=60), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('employee_count', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('employee_count')
        batch_op.drop_column('region')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_network_staff')
