"""The complainant's own language and interpreter need on a case; dialogue meetings and hearings.

Reviewed by hand: four nullable (or defaulted) columns on cases, one new table; no data to move.

Revision ID: 7c3e91b5d2a4
Revises: 7b3e5f9a2c61
Create Date: 2026-11-30 10:00:00

"""

from alembic import op
import sqlalchemy as sa


revision = "7c3e91b5d2a4"
down_revision = "7b3e5f9a2c61"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("interpreter_needed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("interpreter_language", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("interpreter_note_encrypted", sa.LargeBinary(), nullable=True))

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("place_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("joining_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("interpreter_language", sa.String(length=12), nullable=True),
        sa.Column("participants_encrypted", sa.LargeBinary(), nullable=True),
        sa.Column("company_invited", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('dialogue', 'hearing')", name=op.f("ck_meetings_valid_kind")),
        sa.CheckConstraint(
            "duration_minutes > 0 AND duration_minutes <= 1440", name=op.f("ck_meetings_duration_positive")
        ),
        sa.CheckConstraint(
            "place_encrypted IS NOT NULL OR joining_encrypted IS NOT NULL", name=op.f("ck_meetings_place_or_remote")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_meetings_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_meetings_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_case_id"), ["case_id"], unique=False)


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_case_id"))
    op.drop_table("meetings")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("interpreter_note_encrypted")
        batch_op.drop_column("interpreter_language")
        batch_op.drop_column("interpreter_needed")
        batch_op.drop_column("language")
