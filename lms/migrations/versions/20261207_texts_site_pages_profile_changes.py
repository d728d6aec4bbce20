"""site pages (imprint, privacy policy) and visibility profile changes awaiting the works council

Revision ID: 7e3a9c1d5b20
Revises: 7c1e5a9d3b20
Create Date: 2026-12-07 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7e3a9c1d5b20'
down_revision = '7c1e5a9d3b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('body_de', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_site_pages_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_pages')),
    sa.UniqueConstraint('key', name=op.f('uq_site_pages_key'))
    )
    op.create_table('profile_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('from_profile', sa.String(length=20), nullable=False),
    sa.Column('to_profile', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sa.String(length=200), nullable=False),
    sa.Column('requested_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_name', sa.String(length=200), nullable=False),
    sa.Column('decided_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_profile_changes_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_profile_changes_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_profile_changes_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_changes'))
    )
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.create_index('ix_profile_changes_organisation_id_status', ['organisation_id', 'status'], unique=False)


def downgrade():
    with op.batch_alter_table('profile_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_changes_organisation_id_status')

    op.drop_table('profile_changes')
    op.drop_table('site_pages')
