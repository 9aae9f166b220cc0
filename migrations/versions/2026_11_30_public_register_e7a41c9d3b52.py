"""The public register: the complainant's choice, the release of flagged cases, and the texts published.

cases.register_listed: whether the complainant lets the case appear in the public register (default yes, as the
rules of procedure promise published outcomes; existing cases get yes, and the register still lists only admitted
cases). cases.register_released_at: when the secretariat released a closed case with a risk flag. Indexes (country, id),
(commodity, id), (outcome, id): the register's filters, paged newest first by id.
publications: the redacted case summary and each decision's public summary: a draft with its translations
(encrypted), the approved texts (plain, public), who drafted and approved, when published or withdrawn. CHECKs: item
and status values; a decision summary names its decision. A partial unique index allows one case summary per case.

Reviewed by hand: CHECK constraints mirror portal/transparency/models.py (autogenerate does not compare them).
Downgrade: the table and the two columns are dropped, with what they hold.

Revision ID: e7a41c9d3b52
Revises: b3396641e8da
Create Date: 2026-11-30 13:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a41c9d3b52'
down_revision = 'b3396641e8da'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('item', sa.String(length=24), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('draft_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('published_texts', sa.JSON(), nullable=True),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(item = 'decision_summary') = (decision_id IS NOT NULL)", name=op.f('ck_publications_decision_item_has_decision')),
    sa.CheckConstraint("item IN ('case_summary', 'decision_summary')", name=op.f('ck_publications_valid_item')),
    sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name=op.f('ck_publications_valid_status')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_publications_approved_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_publications_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_publications_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_publications_drafted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_publications_decision_id'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_publications_status_published_at', ['status', 'published_at'], unique=False)
        batch_op.create_index('uq_publications_case_summary', ['case_id'], unique=True, sqlite_where=sa.text("item = 'case_summary'"), postgresql_where=sa.text("item = 'case_summary'"))

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register_listed', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('register_released_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_cases_country_id', ['country', 'id'], unique=False)
        batch_op.create_index('ix_cases_commodity_id', ['commodity', 'id'], unique=False)
        batch_op.create_index('ix_cases_outcome_id', ['outcome', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_outcome_id')
        batch_op.drop_index('ix_cases_commodity_id')
        batch_op.drop_index('ix_cases_country_id')
        batch_op.drop_column('register_released_at')
        batch_op.drop_column('register_listed')

    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index('uq_publications_case_summary', sqlite_where=sa.text("item = 'case_summary'"), postgresql_where=sa.text("item = 'case_summary'"))
        batch_op.drop_index('ix_publications_status_published_at')
        batch_op.drop_index(batch_op.f('ix_publications_case_id'))

    op.drop_table('publications')
