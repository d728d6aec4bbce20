"""subjects: the managed list of subjects courses name (seeded with the existing ones)

Revision ID: 5e1d7b3a9c42
Revises: c4e8a2f6b9d1
Create Date: 2026-12-07 17:10:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import lms.db

# revision identifiers, used by Alembic.
revision = '5e1d7b3a9c42'
down_revision = 'c4e8a2f6b9d1'
branch_labels = None
depends_on = None

#: the three subjects that were hard-coded until now, with their labels
SEED = [
    ('e-mobility', 'E-Mobilität', 'E-mobility'),
    ('digital-production', 'Digitale Produktion', 'Digital production'),
    ('sustainability', 'Nachhaltigkeit', 'Sustainability'),
]


def upgrade():
    subjects = op.create_table('subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label_de', sa.String(length=80), nullable=False),
    sa.Column('label_en', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', lms.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subjects')),
    sa.UniqueConstraint('key', name=op.f('uq_subjects_key'))
    )
    now = datetime.now(UTC)
    rows = [dict(key=key, label_de=de, label_en=en, position=n, created_at=now, retired_at=None)
            for n, (key, de, en) in enumerate(SEED, start=1)]
    # existing courses keep validating: any other subject they name joins the list
    # (label = key, for an admin to rename)
    known = {row['key'] for row in rows}
    bind = op.get_bind()
    found = set()
    for table in ('courses', 'course_versions'):
        found |= {value for (value,) in bind.execute(sa.text(
            f"SELECT DISTINCT subject FROM {table} WHERE subject <> ''"))}
    for key in sorted(found - known):
        rows.append(dict(key=key[:40], label_de=key[:80], label_en=key[:80],
                         position=len(rows) + 1, created_at=now, retired_at=None))
    op.bulk_insert(subjects, rows)


def downgrade():
    op.drop_table('subjects')
