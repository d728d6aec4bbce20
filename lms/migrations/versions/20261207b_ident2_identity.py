"""accounts without e-mail (users.email nullable), inbox messages, join requests, SAML logout

Revision ID: 7d2e9a4c1b60
Revises: 7d3f9b1c2e5a
Create Date: 2026-12-07 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lms.db


# revision identifiers, used by Alembic.
revision = '7d2e9a4c1b60'
down_revision = '7d3f9b1c2e5a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)
    # Shop-floor, single sign-on and anonymised accounts carried a reserved placeholder.
    op.execute("UPDATE users SET email = NULL WHERE lower(email) LIKE '%.invalid'")

    op.create_table('inbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inbox_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_messages'))
    )
    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_messages_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_domains', sa.String(length=500), nullable=False, server_default=''))

    op.create_table('join_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_join_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_join_requests_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_join_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_join_requests'))
    )
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_requests_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_join_requests_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('saml_provider_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('saml_name_id', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('saml_name_id_format', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('saml_session_index', sa.String(length=200), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_user_sessions_saml_provider_id'), ['saml_provider_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_sessions_saml_provider_id_identity_providers'), 'identity_providers', ['saml_provider_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_sessions_saml_provider_id_identity_providers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_sessions_saml_provider_id'))
        batch_op.drop_column('saml_session_index')
        batch_op.drop_column('saml_name_id_format')
        batch_op.drop_column('saml_name_id')
        batch_op.drop_column('saml_provider_id')
    with op.batch_alter_table('join_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_requests_user_id'))
        batch_op.drop_index(batch_op.f('ix_join_requests_organisation_id'))
    op.drop_table('join_requests')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('join_domains')

    with op.batch_alter_table('inbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_messages_user_id'))
    op.drop_table('inbox_messages')
    op.execute("UPDATE users SET email = 'no-mail-' || pseudonym || '@no-mail.invalid' "
               "WHERE email IS NULL")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
