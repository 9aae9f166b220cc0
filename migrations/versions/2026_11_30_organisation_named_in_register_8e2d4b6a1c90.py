"""An organisation's consent to be named in the public register on the cases it filed.

Reviewed by hand: one boolean column on ``organisations``, false for every existing row (nobody is named without
having agreed). Downgrade drops it.

Revision ID: 8e2d4b6a1c90
Revises: 164ce2c8c659
Create Date: 2026-11-30 17:55:00

"""

import sqlalchemy as sa
from alembic import op

revision = "8e2d4b6a1c90"
down_revision = "164ce2c8c659"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.add_column(sa.Column("named_in_register", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("organisations") as batch_op:
        batch_op.drop_column("named_in_register")
