"""An organisation's own cases and theme trackers: reading marks, trackers, visits, weekly digests; the indexes of
the "Our cases" filters (portal/orgs/trackers.py).

Written by hand: four new tables and five new indexes on cases; nothing existing changes. Downgrade drops them.

Revision ID: a5f47ca4c5db
Revises: d7a1c3e5f9b2
Create Date: 2026-11-30 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a5f47ca4c5db"
down_revision = "d7a1c3e5f9b2"
branch_labels = None
depends_on = None

CATEGORIES = ("child_labour", "forced_labour", "health_safety", "wages_hours", "freedom_of_association",
              "discrimination", "environment", "land", "indigenous", "security_violence", "corruption",
              "retaliation", "other")
COMMODITIES = ("aluminium", "steel", "cobalt", "copper", "nickel", "tin", "zinc", "other")
CASE_INDEXES = {
    "ix_cases_filed_by_organisation_id_state": ["filed_by_organisation_id", "state"],
    "ix_cases_filed_by_organisation_id_country": ["filed_by_organisation_id", "country"],
    "ix_cases_filed_by_organisation_id_commodity": ["filed_by_organisation_id", "commodity"],
    "ix_cases_filed_by_organisation_id_next_due_at": ["filed_by_organisation_id", "next_due_at"],
    "ix_cases_filed_by_organisation_id_id": ["filed_by_organisation_id", "id"],
}


def _in(column, values):
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    op.create_table(
        "org_trackers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("commodity", sa.String(length=16), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"category IS NULL OR {_in('category', CATEGORIES)}", name=op.f("ck_org_trackers_valid_category")),
        sa.CheckConstraint(f"commodity IS NULL OR {_in('commodity', COMMODITIES)}", name=op.f("ck_org_trackers_valid_commodity")),
        sa.CheckConstraint("country IS NULL OR length(country) = 2", name=op.f("ck_org_trackers_country_code")),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], name=op.f("fk_org_trackers_organisation_id_organisations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entity_id"], ["supply_chain_entities.id"], name=op.f("fk_org_trackers_entity_id_supply_chain_entities"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_org_trackers_created_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_trackers")),
    )
    with op.batch_alter_table("org_trackers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_org_trackers_organisation_id"), ["organisation_id"], unique=False)
    op.create_table(
        "org_tracker_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("tracker_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_org_tracker_visits_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tracker_id"], ["org_trackers.id"], name=op.f("fk_org_tracker_visits_tracker_id_org_trackers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "tracker_id", name=op.f("pk_org_tracker_visits")),
    )
    op.create_table(
        "org_case_reads",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("last_entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_org_case_reads_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_org_case_reads_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "case_id", name=op.f("pk_org_case_reads")),
    )
    op.create_table(
        "org_digests_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_org_digests_sent_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_digests_sent")),
        sa.UniqueConstraint("user_id", "week", name=op.f("uq_org_digests_sent_user_id_week")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name, columns in CASE_INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in CASE_INDEXES:
            batch_op.drop_index(name)
    op.drop_table("org_digests_sent")
    op.drop_table("org_case_reads")
    op.drop_table("org_tracker_visits")
    with op.batch_alter_table("org_trackers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_org_trackers_organisation_id"))
    op.drop_table("org_trackers")
