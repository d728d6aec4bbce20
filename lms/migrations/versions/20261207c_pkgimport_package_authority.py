"""packages: the LRS client of each course package and grants waiting for an admin

Revision ID: 3b8e5c1f7a20
Revises: 7d3f1a9c2e64
Create Date: 2026-12-07 20:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '3b8e5c1f7a20'
down_revision = '7d3f1a9c2e64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('package_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('package_name', sa.String(length=100), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_package_clients_client_id_lrs_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_clients')),
    sa.UniqueConstraint('course_slug', 'package_name', name=op.f('uq_package_clients_course_slug'))
    )
    with op.batch_alter_table('package_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_clients_client_id'), ['client_id'], unique=False)

    op.create_table('package_grant_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('activity_prefix', sa.String(length=500), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('lesson_id', sa.String(length=100), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_package_grant_requests_client_id_lrs_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_package_grant_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_package_grant_requests')),
    sa.UniqueConstraint('client_id', 'activity_prefix', name=op.f('uq_package_grant_requests_client_id'))
    )
    with op.batch_alter_table('package_grant_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_package_grant_requests_client_id'), ['client_id'], unique=False)


def downgrade():
    with op.batch_alter_table('package_grant_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_grant_requests_client_id'))
    op.drop_table('package_grant_requests')
    with op.batch_alter_table('package_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_package_clients_client_id'))
    op.drop_table('package_clients')
