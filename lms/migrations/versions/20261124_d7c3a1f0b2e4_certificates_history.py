"""certificates: re-issue history, renewal per completion, reminders, trainer signatures

Revision ID: d7c3a1f0b2e4
Revises: b4f2d8a1c7e3
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = 'd7c3a1f0b2e4'
down_revision = 'b4f2d8a1c7e3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_certificates_user_id'), type_='unique')
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('revoked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', lms.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('reminded_at', lms.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('trainer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_trainer_id_users'), 'users',
                                    ['trainer_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_certificates_revoked_by_id_users'), 'users',
                                    ['revoked_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(
            batch_op.f('fk_certificates_superseded_by_id_certificates'), 'certificates',
            ['superseded_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_unique_constraint(
            batch_op.f('uq_certificates_user_id'),
            ['user_id', 'course_id', 'completed_at', 'revision'])
        batch_op.create_index(batch_op.f('ix_certificates_expires_at'), ['expires_at'],
                              unique=False)
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('revision', server_default=None)

    op.create_table('trainer_signatures',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('updated_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_trainer_signatures_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_trainer_signatures'))
    )


def downgrade():
    op.drop_table('trainer_signatures')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_expires_at'))
        batch_op.drop_constraint(batch_op.f('uq_certificates_user_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_certificates_superseded_by_id_certificates'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_certificates_revoked_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_certificates_trainer_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('trainer_id')
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('superseded_by_id')
        batch_op.drop_column('revoked_by_id')
        batch_op.drop_column('revision')
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_user_id'),
                                          ['user_id', 'course_version_id'])
