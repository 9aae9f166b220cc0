"""Commitments of a settlement or decision, and what each monitoring check-in found about them.

commitments: what is owed (encrypted), by the respondent or another party named in words (encrypted), amount in
whole minor units of an ISO 4217 currency (CHECKs: both or neither, positive, three letters), due date, instalment
n of m (CHECKs: both or neither, 1 <= n <= m, m >= 2), the decision whose terms they are.
commitment_checks: status met / partly_met / missed (CHECK) and an internal note (encrypted), per commitment.

Reviewed by hand: CHECK constraints mirror portal/cases/commitments.py (autogenerate does not compare them).
Downgrade: both tables are dropped, with what they hold.

Revision ID: b3396641e8da
Revises: 7c3e91b5d2a4
Create Date: 2026-11-30 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3396641e8da'
down_revision = '7c3e91b5d2a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('commitments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('what_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('owed_by_respondent', sa.Boolean(), nullable=False),
    sa.Column('owed_by_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('instalment', sa.Integer(), nullable=True),
    sa.Column('instalments', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(amount_minor IS NULL) = (currency IS NULL)', name=op.f('ck_commitments_amount_has_currency')),
    sa.CheckConstraint('amount_minor IS NULL OR amount_minor > 0', name=op.f('ck_commitments_amount_positive')),
    sa.CheckConstraint('currency IS NULL OR length(currency) = 3', name=op.f('ck_commitments_currency_code')),
    sa.CheckConstraint('(instalment IS NULL) = (instalments IS NULL)', name=op.f('ck_commitments_instalment_of')),
    sa.CheckConstraint('instalment IS NULL OR (instalment >= 1 AND instalment <= instalments AND instalments >= 2)', name=op.f('ck_commitments_instalment_in_range')),
    sa.CheckConstraint('owed_by_respondent OR owed_by_encrypted IS NOT NULL', name=op.f('ck_commitments_owed_by_someone')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_commitments_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_commitments_created_by_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_commitments_decision_id_decisions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitments'))
    )
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commitments_decision_id'), ['decision_id'], unique=False)

    op.create_table('commitment_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commitment_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('met', 'partly_met', 'missed')", name=op.f('ck_commitment_checks_valid_status')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_commitment_checks_checked_by_id_users')),
    sa.ForeignKeyConstraint(['commitment_id'], ['commitments.id'], name=op.f('fk_commitment_checks_commitment_id_commitments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commitment_checks'))
    )
    with op.batch_alter_table('commitment_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commitment_checks_commitment_id'), ['commitment_id'], unique=False)


def downgrade():
    with op.batch_alter_table('commitment_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitment_checks_commitment_id'))
    op.drop_table('commitment_checks')
    with op.batch_alter_table('commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commitments_decision_id'))
        batch_op.drop_index(batch_op.f('ix_commitments_case_id'))
    op.drop_table('commitments')
