"""Attachments remember whether their metadata could be removed (docs/architecture.md §8).

Reviewed by hand: existing rows count as cleaned (server default true): photos were already re-encoded, and an
older PDF or recording stays visible as before until it is uploaded again.

Revision ID: 3f1c9a7e5b20
Revises: 17523d296568
Create Date: 2026-11-30 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3f1c9a7e5b20'
down_revision = '17523d296568'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleaned', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('cleaned')
