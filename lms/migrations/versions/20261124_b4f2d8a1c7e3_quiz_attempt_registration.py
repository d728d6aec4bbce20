"""quiz attempt registration

Revision ID: b4f2d8a1c7e3
Revises: 2c18e11e89b3
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'b4f2d8a1c7e3'
down_revision = '2c18e11e89b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration', sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('registration')
