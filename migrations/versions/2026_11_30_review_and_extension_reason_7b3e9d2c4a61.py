"""The company's extension remembers when it was taken and the liaison's reason.

Reviewed by hand: two nullable columns on ``cases``; extensions taken before have neither (the staff page then
says only that the extension was used).

State-change entries written before commit b5e228b (reasons with a version in the complainant's language kept the
staff's words in ``body`` and the complainant's in ``translation``; now the other way round) are not swapped here:
nothing in the plain columns tells those rows from rows written since (docs in the report of issue 10, 9f).

Revision ID: 7b3e9d2c4a61
Revises: a4d9e27c5f10
Create Date: 2026-11-30 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "7b3e9d2c4a61"
down_revision = "a4d9e27c5f10"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_extended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("company_extension_reason_encrypted", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("company_extension_reason_encrypted")
        batch_op.drop_column("company_extended_at")
