"""course version learner policy, version moves

Revision ID: 7a3c9e1b5d20
Revises: f5d9b3e7c2a8
Create Date: 2026-12-07 13:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7a3c9e1b5d20'
down_revision = 'f5d9b3e7c2a8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('learner_policy', sa.String(length=12), nullable=True))
    op.create_table('version_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('registration', sa.String(length=36), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('moved_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('carried', sa.JSON(), nullable=False),
    sa.Column('reopened', sa.JSON(), nullable=False),
    sa.Column('added', sa.JSON(), nullable=False),
    sa.Column('removed', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_version_moves_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_version_id'], ['course_versions.id'], name=op.f('fk_version_moves_from_version_id_course_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_version_id'], ['course_versions.id'], name=op.f('fk_version_moves_to_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_version_moves'))
    )
    with op.batch_alter_table('version_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_version_moves_enrolment_id'), ['enrolment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('version_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_version_moves_enrolment_id'))
    op.drop_table('version_moves')
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_column('learner_policy')
