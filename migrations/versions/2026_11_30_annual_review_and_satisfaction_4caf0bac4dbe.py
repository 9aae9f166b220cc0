"""The annual effectiveness review and the anonymous satisfaction answers.

annual_reviews: one row per reviewed year: status (draft, adopted), the committee's narrative per language, the
indicators frozen at adoption (already suppressed), who wrote and adopted it and when.
satisfaction_answers: the three answers (yes, partly, no, prefer_not; each optional) with only what the review groups
by (year closed, commodity, country, categories, channel, who answered); a random key, no case, no time.
satisfaction_markers: the one-way mark that a case's complainant (or filing organisation) answered or declined.
Index: satisfaction_answers.year (the review reads one year).

Reviewed by hand: CHECK constraints mirror portal/transparency/review_models.py (autogenerate does not compare them).
Downgrade: the three tables are dropped, with what they hold.

Revision ID: 4caf0bac4dbe
Revises: 1981b11010f3
Create Date: 2026-11-30 16:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4caf0bac4dbe'
down_revision = '1981b11010f3'
branch_labels = None
depends_on = None

SCALE = "'yes', 'partly', 'no', 'prefer_not'"


def upgrade():
    op.create_table('annual_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('narrative', sa.JSON(), nullable=True),
    sa.Column('indicators', sa.JSON(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'adopted')", name=op.f('ck_annual_reviews_valid_status')),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_annual_reviews_adopted_by_id_users')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_annual_reviews_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_reviews')),
    sa.UniqueConstraint('year', name=op.f('uq_annual_reviews_year'))
    )
    op.create_table('satisfaction_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('answered_by', sa.String(length=16), nullable=False),
    sa.Column('commodity', sa.String(length=16), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('fair', sa.String(length=16), nullable=True),
    sa.Column('respected', sa.String(length=16), nullable=True),
    sa.Column('safe', sa.String(length=16), nullable=True),
    sa.CheckConstraint("answered_by IN ('complainant', 'organisation')", name=op.f('ck_satisfaction_answers_valid_answered_by')),
    sa.CheckConstraint("commodity IN ('aluminium', 'steel', 'cobalt', 'copper', 'nickel', 'tin', 'zinc', 'other')", name=op.f('ck_satisfaction_answers_valid_commodity')),
    sa.CheckConstraint("channel IN ('online', 'organisation')", name=op.f('ck_satisfaction_answers_valid_channel')),
    sa.CheckConstraint(f"fair IS NULL OR fair IN ({SCALE})", name=op.f('ck_satisfaction_answers_valid_fair')),
    sa.CheckConstraint(f"respected IS NULL OR respected IN ({SCALE})", name=op.f('ck_satisfaction_answers_valid_respected')),
    sa.CheckConstraint(f"safe IS NULL OR safe IN ({SCALE})", name=op.f('ck_satisfaction_answers_valid_safe')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satisfaction_answers'))
    )
    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satisfaction_answers_year'), ['year'], unique=False)

    op.create_table('satisfaction_markers',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('answered_by', sa.String(length=16), nullable=False),
    sa.CheckConstraint("answered_by IN ('complainant', 'organisation')", name=op.f('ck_satisfaction_markers_valid_answered_by')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_satisfaction_markers_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'answered_by', name=op.f('pk_satisfaction_markers'))
    )


def downgrade():
    op.drop_table('satisfaction_markers')
    with op.batch_alter_table('satisfaction_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satisfaction_answers_year'))
    op.drop_table('satisfaction_answers')
    op.drop_table('annual_reviews')
