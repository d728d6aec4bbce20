"""background jobs: dead letters, prepared downloads, schedule runs, rendered certificates

Revision ID: 7d3f9b1c2e5a
Revises: 5e1d7b3a9c42
Create Date: 2026-12-07 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7d3f9b1c2e5a'
down_revision = '5e1d7b3a9c42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_dead_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_name', sa.String(length=100), nullable=False),
    sa.Column('arguments', sa.JSON(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_dead_letters'))
    )
    with op.batch_alter_table('job_dead_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_dead_letters_job_name'), ['job_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_dead_letters_failed_at'), ['failed_at'], unique=False)

    op.create_table('prepared_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ready_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_prepared_files_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prepared_files')),
    sa.UniqueConstraint('token', name=op.f('uq_prepared_files_token'))
    )
    with op.batch_alter_table('prepared_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prepared_files_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_prepared_files_expires_at'), ['expires_at'], unique=False)

    op.create_table('certificate_documents',
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_documents_certificate_id_certificates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('certificate_id', name=op.f('pk_certificate_documents'))
    )
    op.create_table('job_schedule_runs',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('last_run_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_schedule_runs'))
    )


def downgrade():
    op.drop_table('job_schedule_runs')
    op.drop_table('certificate_documents')
    with op.batch_alter_table('prepared_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prepared_files_expires_at'))
        batch_op.drop_index(batch_op.f('ix_prepared_files_owner_id'))
    op.drop_table('prepared_files')
    with op.batch_alter_table('job_dead_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_dead_letters_failed_at'))
        batch_op.drop_index(batch_op.f('ix_job_dead_letters_job_name'))
    op.drop_table('job_dead_letters')
