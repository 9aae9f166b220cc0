"""The secretariat's desk, company side: working translation of the description, message templates per language,
photo thumbnails, the company's messages and remedy progress reports.

Written by hand: four new tables; the entry kinds ``from_company`` and ``to_company`` added to the CHECK constraint
of ``case_entries.kind``. Downgrade drops the tables and the entries of the new kinds, then restores the constraint.

Revision ID: b619563d8c0c
Revises: 5d09e2153ea0
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b619563d8c0c"
down_revision = "5d09e2153ea0"
branch_labels = None
depends_on = None

OLD_KINDS = "'submission', 'from_complainant', 'to_complainant', 'internal_note', 'state_change', 'company_response', 'case_joined'"
NEW_KINDS = OLD_KINDS + ", 'from_company', 'to_company'"


def upgrade():
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_case_entries_valid_kind"), type_="check")
        batch_op.create_check_constraint("valid_kind", f"kind IN ({NEW_KINDS})")

    op.create_table(
        "description_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_description_translations_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_description_translations_updated_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_description_translations")),
        sa.UniqueConstraint("case_id", name=op.f("uq_description_translations_case_id")),
    )

    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("step IN ('acknowledge', 'request_info', 'admitted', 'inadmissible')", name=op.f("ck_message_templates_valid_step")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_message_templates_updated_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("step", "locale", name=op.f("uq_message_templates_step_locale")),
    )

    op.create_table(
        "attachment_thumbnails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachments.id"], name=op.f("fk_attachment_thumbnails_attachment_id_attachments"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_thumbnails")),
        sa.UniqueConstraint("attachment_id", name=op.f("uq_attachment_thumbnails_attachment_id")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_attachment_thumbnails_storage_key")),
    )

    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_progress_reports_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["commitment_id"], ["commitments.id"], name=op.f("fk_progress_reports_commitment_id_commitments"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_progress_reports_author_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_reports")),
    )
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.create_index("ix_progress_reports_case_id_id", ["case_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progress_reports_commitment_id"), ["commitment_id"], unique=False)


def downgrade():
    with op.batch_alter_table("progress_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_reports_commitment_id"))
        batch_op.drop_index("ix_progress_reports_case_id_id")
    op.drop_table("progress_reports")
    op.drop_table("attachment_thumbnails")
    op.drop_table("message_templates")
    op.drop_table("description_translations")
    op.execute("DELETE FROM case_entries WHERE kind IN ('from_company', 'to_company')")
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_case_entries_valid_kind"), type_="check")
        batch_op.create_check_constraint("valid_kind", f"kind IN ({OLD_KINDS})")
