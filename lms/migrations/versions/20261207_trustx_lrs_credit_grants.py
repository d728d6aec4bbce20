"""lrs credit grants: the activities an admin lets a client's statements credit

Revision ID: 7c1e5a9d3b20
Revises: a7c3e9d1b5f2
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7c1e5a9d3b20'
down_revision = 'a7c3e9d1b5f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lrs_credit_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=True),
    sa.Column('activity_prefix', sa.String(length=500), nullable=True),
    sa.Column('granted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(course_slug IS NULL) <> (activity_prefix IS NULL)', name=op.f('ck_lrs_credit_grants_one_target')),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_lrs_credit_grants_client_id_lrs_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lrs_credit_grants')),
    sa.UniqueConstraint('client_id', 'course_slug', 'activity_prefix', name=op.f('uq_lrs_credit_grants_client_id'))
    )
    with op.batch_alter_table('lrs_credit_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lrs_credit_grants_client_id'), ['client_id'], unique=False)


def downgrade():
    with op.batch_alter_table('lrs_credit_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lrs_credit_grants_client_id'))

    op.drop_table('lrs_credit_grants')
