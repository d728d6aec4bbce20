"""cmi5 launch sessions and per-registration AU states

Revision ID: c5e1a7b3d902
Revises: 3b8e5c1f7a20
Create Date: 2026-12-07 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'c5e1a7b3d902'
down_revision = "3b8e5c1f7a20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cmi5_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=120), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=500), nullable=False),
    sa.Column('publisher_id', sa.String(length=500), nullable=False),
    sa.Column('course_activity_id', sa.String(length=500), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('launch_mode', sa.String(length=10), nullable=False),
    sa.Column('launch_method', sa.String(length=10), nullable=False),
    sa.Column('move_on', sa.String(length=20), nullable=False),
    sa.Column('mastery_score', sa.Float(), nullable=True),
    sa.Column('launch_url', sa.Text(), nullable=False),
    sa.Column('fetch_hash', sa.String(length=64), nullable=False),
    sa.Column('token_key', sa.String(length=40), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('launched_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fetched_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('initialized_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('terminated_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('abandoned_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_statement_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('verbs', sa.JSON(), nullable=False),
    sa.Column('statement_ids', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['lrs_clients.id'], name=op.f('fk_cmi5_sessions_client_id_lrs_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_cmi5_sessions_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cmi5_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cmi5_sessions')),
    sa.UniqueConstraint('fetch_hash', name=op.f('uq_cmi5_sessions_fetch_hash')),
    sa.UniqueConstraint('session_id', name=op.f('uq_cmi5_sessions_session_id')),
    sa.UniqueConstraint('token_key', name=op.f('uq_cmi5_sessions_token_key'))
    )
    with op.batch_alter_table('cmi5_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cmi5_sessions_registration'), ['registration'], unique=False)
        batch_op.create_index(batch_op.f('ix_cmi5_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('cmi5_unit_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('activity_id', sa.String(length=500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=120), nullable=False),
    sa.Column('completed_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('passed_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('satisfied_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('best_scaled', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_cmi5_unit_states_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cmi5_unit_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cmi5_unit_states')),
    sa.UniqueConstraint('registration', 'activity_id', name=op.f('uq_cmi5_unit_states_registration'))
    )
    with op.batch_alter_table('cmi5_unit_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cmi5_unit_states_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cmi5_unit_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cmi5_unit_states_user_id'))
    op.drop_table('cmi5_unit_states')
    with op.batch_alter_table('cmi5_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cmi5_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_cmi5_sessions_registration'))
    op.drop_table('cmi5_sessions')
