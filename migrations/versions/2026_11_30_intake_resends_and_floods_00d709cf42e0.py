"""Intake under resends and floods.

The form token's keyed hash on cases (unique, so a resent form cannot file a second case), receipts held encrypted
for a lost answer, and the last staff notice per case and recipient.

Reviewed by hand: submission_hash is nullable (cases filed before have no token); both new tables start empty.

Revision ID: 00d709cf42e0
Revises: b6e0c2a41f93
Create Date: 2026-11-30 06:42:08.108893

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '00d709cf42e0'
down_revision = 'b6e0c2a41f93'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_hash', sa.String(length=64), nullable=False),
    sa.Column('receipt_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_receipts')),
    sa.UniqueConstraint('submission_hash', name=op.f('uq_held_receipts_submission_hash'))
    )
    with op.batch_alter_table('held_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_receipts_created_at'), ['created_at'], unique=False)

    op.create_table('staff_notices_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_staff_notices_sent_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_notices_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_notices_sent')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_staff_notices_sent_case_id_user_id'))
    )
    with op.batch_alter_table('staff_notices_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_notices_sent_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_notices_sent_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_cases_submission_hash'), ['submission_hash'])



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_cases_submission_hash'), type_='unique')
        batch_op.drop_column('submission_hash')

    with op.batch_alter_table('staff_notices_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_notices_sent_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_notices_sent_case_id'))

    op.drop_table('staff_notices_sent')
    with op.batch_alter_table('held_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_receipts_created_at'))

    op.drop_table('held_receipts')
