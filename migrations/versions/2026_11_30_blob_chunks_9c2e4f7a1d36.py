"""Encrypted file chunks in the database (the attachment store shared by every app server).

blob_chunks: one row per chunk of an encrypted file, keyed by the file's storage key and the chunk's position
(core/blob_chunks.py). Reviewed by hand: a new table only; existing files stay in the folder and remain readable
(core/storage.py reads a key the database does not hold from ATTACHMENT_PATH). The downgrade drops the table and
so every file stored in it: move them to the folder first.

Revision ID: 9c2e4f7a1d36
Revises: e7a41c9d3b52
Create Date: 2026-11-30 13:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9c2e4f7a1d36"
down_revision = "e7a41c9d3b52"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "blob_chunks",
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("storage_key", "position", name=op.f("pk_blob_chunks")),
    )


def downgrade():
    op.drop_table("blob_chunks")
