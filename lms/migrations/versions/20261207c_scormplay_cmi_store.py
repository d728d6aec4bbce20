"""SCORM runtime: the CMI store per learner, SCO and attempt

Revision ID: 5c0a7e21d9b3
Revises: b7e41c2a9d53
Create Date: 2026-12-07 20:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '5c0a7e21d9b3'
down_revision = "b7e41c2a9d53"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scorm_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('course_version_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('lesson_id', sa.String(length=120), nullable=False),
    sa.Column('item_id', sa.String(length=255), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('standard', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('cmi', sa.JSON(), nullable=False),
    sa.Column('completion_status', sa.String(length=20), nullable=False),
    sa.Column('success_status', sa.String(length=10), nullable=False),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('score_raw', sa.Float(), nullable=True),
    sa.Column('score_min', sa.Float(), nullable=True),
    sa.Column('score_max', sa.Float(), nullable=True),
    sa.Column('location', sa.String(length=1000), nullable=False),
    sa.Column('suspend_data', sa.Text(), nullable=False),
    sa.Column('exit', sa.String(length=20), nullable=False),
    sa.Column('total_seconds', sa.Float(), nullable=False),
    sa.Column('stated', sa.JSON(), nullable=False),
    sa.Column('started_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('satisfied_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_scorm_attempts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_version_id'], ['course_versions.id'], name=op.f('fk_scorm_attempts_course_version_id_course_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scorm_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorm_attempts')),
    sa.UniqueConstraint('key', name=op.f('uq_scorm_attempts_key')),
    sa.UniqueConstraint('user_id', 'course_id', 'lesson_id', 'item_id', 'number', name=op.f('uq_scorm_attempts_user_id'))
    )
    with op.batch_alter_table('scorm_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scorm_attempts_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_scorm_attempts_user_id_course_id_lesson_id', ['user_id', 'course_id', 'lesson_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scorm_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_scorm_attempts_user_id_course_id_lesson_id')
        batch_op.drop_index(batch_op.f('ix_scorm_attempts_course_id'))
    op.drop_table('scorm_attempts')
