"""CHECK constraints on the enum columns that had none: a case's state before a question, the state a timeline
entry records, the clock a reminder was sent for.

Written by hand: autogenerate does not compare CHECK constraints (tests/core/test_constraints.py does).

Revision ID: b6e0c2a41f93
Revises: 5e1f0c2a9b47
Create Date: 2026-11-30 07:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b6e0c2a41f93'
down_revision = '5e1f0c2a9b47'
branch_labels = None
depends_on = None

STATES = (
    "'submitted', 'acknowledged', 'info_requested', 'assessment', 'inadmissible', 'company_response', 'dialogue', "
    "'adjudication', 'decided', 'review', 'monitoring', 'closed', 'withdrawn', 'merged'"
)
CLOCKS = (
    "'acknowledge', 'triage', 'admissibility', 'company_response', 'feedback', 'decision', 'review_window', "
    "'monitoring', 'info_request'"
)


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_check_constraint(
            'valid_state_before_question', f"state_before_question IS NULL OR state_before_question IN ({STATES})"
        )
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.create_check_constraint('valid_new_state', f"new_state IS NULL OR new_state IN ({STATES})")
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.create_check_constraint('valid_clock', f"clock IN ({CLOCKS})")


def downgrade():
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminders_sent_valid_clock'), type_='check')
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_entries_valid_new_state'), type_='check')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_valid_state_before_question'), type_='check')
