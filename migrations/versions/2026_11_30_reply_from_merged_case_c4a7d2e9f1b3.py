"""A reply on the joint case remembers the merged case whose complainant wrote it.

Reviewed by hand: one nullable column, no data to move (before this, a merged case's complainant could not write).

Revision ID: c4a7d2e9f1b3
Revises: 00d709cf42e0
Create Date: 2026-11-30 08:10:00

"""

from alembic import op
import sqlalchemy as sa


revision = "c4a7d2e9f1b3"
down_revision = "00d709cf42e0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_case_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_case_entries_from_case_id"), ["from_case_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_case_entries_from_case_id_cases"), "cases", ["from_case_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_entries_from_case_id_cases"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_case_entries_from_case_id"))
        batch_op.drop_column("from_case_id")
