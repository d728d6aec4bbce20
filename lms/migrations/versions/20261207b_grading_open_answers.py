"""open answers graded by trainers, question pools, per-question answer rows

Revision ID: 7d3f1a9c2e64
Revises: 3d7f1a9c5e02
Create Date: 2026-12-07 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7d3f1a9c2e64'
down_revision = '3d7f1a9c5e02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_pending', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('question_ids', sa.JSON(), nullable=True))

    op.create_table('quiz_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=120), nullable=False),
    sa.Column('question_id', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('response', sa.String(length=1000), nullable=False),
    sa.Column('submitted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('is_pending', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('file_token', sa.String(length=64), nullable=True),
    sa.Column('file_name', sa.String(length=200), nullable=True),
    sa.Column('file_type', sa.String(length=60), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=True),
    sa.Column('graded_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('feedback_seen_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_answers_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_answers_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['users.id'], name=op.f('fk_quiz_answers_graded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_answers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_answers')),
    sa.UniqueConstraint('file_token', name=op.f('uq_quiz_answers_file_token'))
    )
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_answers_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index('ix_quiz_answers_course_id_lesson_id_question_id', ['course_id', 'lesson_id', 'question_id'], unique=False)
        batch_op.create_index('ix_quiz_answers_is_pending_course_id_submitted_at', ['is_pending', 'course_id', 'submitted_at'], unique=False)


def downgrade():
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_answers_is_pending_course_id_submitted_at')
        batch_op.drop_index('ix_quiz_answers_course_id_lesson_id_question_id')
        batch_op.drop_index(batch_op.f('ix_quiz_answers_attempt_id'))
    op.drop_table('quiz_answers')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('question_ids')
        batch_op.drop_column('is_pending')
