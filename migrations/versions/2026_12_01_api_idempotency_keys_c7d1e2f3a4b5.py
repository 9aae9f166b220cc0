"""Idempotency keys of the API's filing endpoint (portal/api/idempotency.py).

Reviewed by hand: one new table; per organisation and client-chosen key (unique: the constraint that decides a race
between two requests with the same key), the request body's SHA-256 and the case it filed. Downgrade drops the
table (a retry after it would file again, as without the API).

Revision ID: c7d1e2f3a4b5
Revises: b5454e28c274
Create Date: 2026-12-01 01:00:00

"""

import sqlalchemy as sa
from alembic import op


revision = "c7d1e2f3a4b5"
down_revision = "b5454e28c274"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name="fk_api_idempotency_keys_organisation_id_organisations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_api_idempotency_keys_case_id_cases", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_idempotency_keys"),
        sa.UniqueConstraint("organisation_id", "key", name="uq_api_idempotency_keys_organisation_id_key"),
    )


def downgrade():
    op.drop_table("api_idempotency_keys")
