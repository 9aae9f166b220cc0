"""Statistics snapshots: the public statistics page's published figures, one row per version of the register.

Reviewed by hand: one new table, nothing existing changes; downgrade drops it (a snapshot is rebuilt on demand).

Revision ID: 1981b11010f3
Revises: a5f47ca4c5db
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1981b11010f3'
down_revision = "a5f47ca4c5db"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('statistics_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_snapshots')),
    sa.UniqueConstraint('version', name=op.f('uq_statistics_snapshots_version'))
    )


def downgrade():
    op.drop_table('statistics_snapshots')
