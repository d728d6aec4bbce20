"""trainers' cockpit: completion overrides, announcements, participants indexes

Revision ID: 3d7f1a9c5e02
Revises: 7d2e9a4c1b60
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '3d7f1a9c5e02'
down_revision = '7d2e9a4c1b60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('completion_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.String(length=120), nullable=False),
    sa.Column('target_title', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('statement_id', sa.String(length=36), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_by_name', sa.String(length=200), nullable=False),
    sa.Column('void_statement_id', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_completion_overrides_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_completion_overrides_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_completion_overrides_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_overrides'))
    )
    with op.batch_alter_table('completion_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_completion_overrides_course_id_user_id', ['course_id', 'user_id'], unique=False)

    op.create_table('announcements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_announcements_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_announcements_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['course_sessions.id'], name=op.f('fk_announcements_session_id_course_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcements'))
    )
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.create_index('ix_announcements_course_id_created_at', ['course_id', 'created_at'], unique=False)

    op.create_table('announcement_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_mailed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcements.id'], name=op.f('fk_announcement_recipients_announcement_id_announcements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_recipients_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_announcement_recipients'))
    )
    with op.batch_alter_table('announcement_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_recipients_announcement_id'), ['announcement_id'], unique=False)
        batch_op.create_index('ix_announcement_recipients_user_id', ['user_id'], unique=False)

    op.create_table('announcement_mail_choices',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_mail_off', sa.Boolean(), nullable=False),
    sa.Column('changed_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_announcement_mail_choices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_announcement_mail_choices'))
    )

    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_course_id_status', ['course_id', 'status'], unique=False)
    with op.batch_alter_table('course_progress', schema=None) as batch_op:
        batch_op.create_index('ix_course_progress_course_id_last_activity_at', ['course_id', 'last_activity_at'], unique=False)
    # a trainer's look at a learner's results concerns the learner, not a company
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM access_log WHERE organisation_id IS NULL")
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('course_progress', schema=None) as batch_op:
        batch_op.drop_index('ix_course_progress_course_id_last_activity_at')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrolments_course_id_status')
    op.drop_table('announcement_mail_choices')
    with op.batch_alter_table('announcement_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_announcement_recipients_user_id')
        batch_op.drop_index(batch_op.f('ix_announcement_recipients_announcement_id'))
    op.drop_table('announcement_recipients')
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_index('ix_announcements_course_id_created_at')
    op.drop_table('announcements')
    with op.batch_alter_table('completion_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_completion_overrides_course_id_user_id')
    op.drop_table('completion_overrides')
