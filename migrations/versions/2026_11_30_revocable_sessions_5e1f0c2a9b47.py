"""Revocable sessions and a lock-out per account and client.

users: session_generation (raised to end every session of the account), must_change_password (after a one-time
password); the global lock-out columns failed_logins and locked_until give way to login_failures, one row per
account and keyed hash of a client. ended_holder_sessions: receipt holder sessions that were left.

Reviewed by hand: new NOT NULL columns get server defaults for existing rows; the old lock-out counters are not
carried over (a running lock simply ends).

Revision ID: 5e1f0c2a9b47
Revises: 3f1c9a7e5b20
Create Date: 2026-11-30 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b47'
down_revision = '3f1c9a7e5b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failures',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('client_hash', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_failures_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'client_hash', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_last_failed_at'), ['last_failed_at'], unique=False)

    op.create_table('ended_holder_sessions',
    sa.Column('session_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_hash', name=op.f('pk_ended_holder_sessions'))
    )
    with op.batch_alter_table('ended_holder_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ended_holder_sessions_expires_at'), ['expires_at'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('session_generation')

    with op.batch_alter_table('ended_holder_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ended_holder_sessions_expires_at'))
    op.drop_table('ended_holder_sessions')

    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_last_failed_at'))
    op.drop_table('login_failures')
