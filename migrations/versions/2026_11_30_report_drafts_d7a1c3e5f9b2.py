"""Drafts of the stepwise complaint form: the answers so far and the files chosen, encrypted, for at most a day.

Reviewed by hand: two new tables, nothing existing changes; downgrade drops them (drafts are transient).

Revision ID: d7a1c3e5f9b2
Revises: 9c2e4f7a1d36
Create Date: 2026-11-30 13:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a1c3e5f9b2'
down_revision = "9c2e4f7a1d36"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_hash', sa.String(length=64), nullable=False),
    sa.Column('answers_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_drafts')),
    sa.UniqueConstraint('draft_hash', name=op.f('uq_report_drafts_draft_hash'))
    )
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_drafts_created_at'), ['created_at'], unique=False)

    op.create_table('draft_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('name_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('cleaned', sa.Boolean(), nullable=False),
    sa.Column('content_encrypted', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint("purpose IN ('evidence', 'mandate')", name=op.f('ck_draft_files_valid_purpose')),
    sa.ForeignKeyConstraint(['draft_id'], ['report_drafts.id'], name=op.f('fk_draft_files_draft_id_report_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_files'))
    )
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_files_draft_id'), ['draft_id'], unique=False)


def downgrade():
    with op.batch_alter_table('draft_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_files_draft_id'))
    op.drop_table('draft_files')
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_drafts_created_at'))
    op.drop_table('report_drafts')
