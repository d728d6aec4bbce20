"""due dates as dates, roster close, extra quiz attempts; token expiry at the end of the Berlin day

Revision ID: 7a3c9e1d5b20
Revises: 7a3c9e1b5d20
Create Date: 2026-12-07 13:30:00.000000

Due dates were stored as 23:59:59 UTC of the chosen day (web) or 00:00 UTC (API), both
on the day the person chose, so ``due_on`` takes the UTC date of ``due_at``. API tokens
chosen to run "until 07.12.2027" expired at 23:59:59 UTC and showed as 08.12. in Berlin:
tokens ending at 23:59:59 UTC are moved to the last second of that day in Berlin.
Certificates keep their stored instants (their signed payload names the day).
"""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7a3c9e1d5b20'
down_revision = '7a3c9e1b5d20'
branch_labels = None
depends_on = None

BERLIN = ZoneInfo("Europe/Berlin")


def _as_utc(value):
    if value is None:
        return None
    if isinstance(value, str):  # SQLite hands back text
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _end_of_berlin_day(day):
    start_next = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=BERLIN)
    return start_next.astimezone(UTC) - timedelta(seconds=1)


def _due_at_to_due_on(table_name):
    with op.batch_alter_table(table_name, schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    table = sa.table(table_name, sa.column('id', sa.Integer()),
                     sa.column('due_at', sa.DateTime(timezone=True)),
                     sa.column('due_on', sa.Date()))
    rows = bind.execute(sa.select(table.c.id, table.c.due_at)
                        .where(table.c.due_at.is_not(None))).all()
    for row_id, due_at in rows:
        bind.execute(table.update().where(table.c.id == row_id)
                     .values(due_on=_as_utc(due_at).date()))
    with op.batch_alter_table(table_name, schema=None) as batch_op:
        batch_op.drop_column('due_at')


def _due_on_to_due_at(table_name):
    with op.batch_alter_table(table_name, schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_at', lms.db.UTCDateTime(timezone=True),
                                      nullable=True))
    bind = op.get_bind()
    table = sa.table(table_name, sa.column('id', sa.Integer()),
                     sa.column('due_at', lms.db.UTCDateTime(timezone=True)),
                     sa.column('due_on', sa.Date()))
    rows = bind.execute(sa.select(table.c.id, table.c.due_on)
                        .where(table.c.due_on.is_not(None))).all()
    for row_id, due_on in rows:
        if isinstance(due_on, str):
            due_on = datetime.fromisoformat(due_on).date()
        bind.execute(table.update().where(table.c.id == row_id).values(
            due_at=datetime.combine(due_on, time(23, 59, 59), tzinfo=UTC)))
    with op.batch_alter_table(table_name, schema=None) as batch_op:
        batch_op.drop_column('due_on')


def upgrade():
    _due_at_to_due_on('enrolments')
    _due_at_to_due_on('assignments')

    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('roster_closed_at', lms.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('roster_closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_course_sessions_roster_closed_by_id_users'), 'users',
            ['roster_closed_by_id'], ['id'], ondelete='SET NULL')

    op.create_table('quiz_attempt_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=120), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('extra_attempts', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_quiz_attempt_grants_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_quiz_attempt_grants_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempt_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_grants'))
    )
    with op.batch_alter_table('quiz_attempt_grants', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_attempt_grants_user_id_course_id_lesson_id',
                              ['user_id', 'course_id', 'lesson_id'], unique=False)

    bind = op.get_bind()
    tokens = sa.table('api_tokens', sa.column('id', sa.Integer()),
                      sa.column('expires_at', lms.db.UTCDateTime(timezone=True)))
    for token_id, expires_at in bind.execute(sa.select(tokens.c.id, tokens.c.expires_at)).all():
        if expires_at is not None and expires_at.time() == time(23, 59, 59):
            bind.execute(tokens.update().where(tokens.c.id == token_id).values(
                expires_at=_end_of_berlin_day(expires_at.date())))


def downgrade():
    with op.batch_alter_table('quiz_attempt_grants', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_attempt_grants_user_id_course_id_lesson_id')
    op.drop_table('quiz_attempt_grants')

    with op.batch_alter_table('course_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_sessions_roster_closed_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('roster_closed_by_id')
        batch_op.drop_column('roster_closed_at')

    _due_on_to_due_at('assignments')
    _due_on_to_due_at('enrolments')
