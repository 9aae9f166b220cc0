"""Committee workflow: clocks per case, sites and respondent, panels, recusals, decisions, audit trail, 2FA.

Reviewed by hand: new NOT NULL columns get server defaults for existing rows; CHECK constraints that
autogenerate cannot see (outcome, merge target, nomination, entry kinds) are written here; next_due_at is
backfilled from the clocks intake already set.

Revision ID: 17523d296568
Revises: 7cca7e97bbca
Create Date: 2026-11-24 18:44:39.987976

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '17523d296568'
down_revision = '7cca7e97bbca'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('supply_chain_entities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('commodities', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('operator_organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('mine', 'smelter', 'refinery', 'trader', 'manufacturer', 'port', 'depot')", name=op.f('ck_supply_chain_entities_valid_kind')),
    sa.ForeignKeyConstraint(['operator_organisation_id'], ['organisations.id'], name=op.f('fk_supply_chain_entities_operator_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_chain_entities'))
    )
    with op.batch_alter_table('supply_chain_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_chain_entities_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_supply_chain_entities_operator_organisation_id'), ['operator_organisation_id'], unique=False)

    op.create_table('affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(organisation_id IS NULL) <> (entity_id IS NULL)', name=op.f('ck_affiliations_one_target')),
    sa.ForeignKeyConstraint(['entity_id'], ['supply_chain_entities.id'], name=op.f('fk_affiliations_entity_id_supply_chain_entities')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_affiliations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_affiliations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_affiliations')),
    sa.UniqueConstraint('user_id', 'organisation_id', 'entity_id', name=op.f('uq_affiliations_user_id_organisation_id_entity_id'))
    )
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affiliations_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliations_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_affiliations_user_id'), ['user_id'], unique=False)

    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
    sa.UniqueConstraint('entry_hash', name=op.f('uq_audit_entries_entry_hash'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_target'), ['target'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=200), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    op.create_table('case_entities',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_entities_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entity_id'], ['supply_chain_entities.id'], name=op.f('fk_case_entities_entity_id_supply_chain_entities')),
    sa.PrimaryKeyConstraint('case_id', 'entity_id', name=op.f('pk_case_entities'))
    )
    with op.batch_alter_table('case_entities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_entities_entity_id'), ['entity_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('admissible', sa.Boolean(), nullable=True),
    sa.Column('outcome', sa.String(length=32), nullable=True),
    sa.Column('reasons_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('reasons_translation_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('referral', sa.String(length=300), nullable=True),
    sa.Column('public_summary_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('admissibility', 'outcome', 'review')", name=op.f('ck_decisions_valid_kind')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('settled', 'founded', 'partly_founded', 'unfounded')", name=op.f('ck_decisions_valid_outcome')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_decisions_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_decisions_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_case_id'), ['case_id'], unique=False)

    op.create_table('panel_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.String(length=16), nullable=False),
    sa.Column('panel', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("panel IN ('original', 'review')", name=op.f('ck_panel_seats_valid_panel')),
    sa.CheckConstraint("seat IN ('chair', 'industry', 'civil_society')", name=op.f('ck_panel_seats_valid_seat')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_panel_seats_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_panel_seats_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_seats')),
    sa.UniqueConstraint('case_id', 'panel', 'seat', name=op.f('uq_panel_seats_case_id_panel_seat')),
    sa.UniqueConstraint('case_id', 'panel', 'user_id', name=op.f('uq_panel_seats_case_id_panel_user_id'))
    )
    with op.batch_alter_table('panel_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_seats_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_panel_seats_user_id'), ['user_id'], unique=False)

    op.create_table('recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_recusals_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recusals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusals')),
    sa.UniqueConstraint('case_id', 'user_id', name=op.f('uq_recusals_case_id_user_id'))
    )
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recusals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recusals_user_id'), ['user_id'], unique=False)

    op.create_table('reminders_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('clock', sa.String(length=32), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reminders_sent_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders_sent')),
    sa.UniqueConstraint('case_id', 'clock', 'due_at', 'kind', name=op.f('uq_reminders_sent_case_id_clock_due_at_kind'))
    )
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_sent_case_id'), ['case_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=16), nullable=False),
    sa.CheckConstraint("choice IN ('for', 'against', 'abstain')", name=op.f('ck_votes_valid_choice')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_votes_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('decision_id', 'user_id', name=op.f('uq_votes_decision_id_user_id'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_votes_decision_id'), ['decision_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('respondent_organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('assigned_officer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('company_summary_encrypted', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('company_extension_used', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('state_before_question', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('monitoring_checks_done', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('admissibility_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('company_response_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decision_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_window_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('monitoring_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('info_request_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index(batch_op.f('ix_cases_acknowledge_due_at'))
        batch_op.drop_index(batch_op.f('ix_cases_urgent'))
        batch_op.create_index('ix_cases_urgent_next_due_at', ['urgent', 'next_due_at'], unique=False)
        batch_op.create_index('ix_cases_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_cases_assigned_officer_id_created_at', ['assigned_officer_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_next_due_at'), ['next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_respondent_organisation_id'), ['respondent_organisation_id'], unique=False)
        batch_op.create_index('ix_cases_state_next_due_at', ['state', 'next_due_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_respondent_organisation_id_organisations'), 'organisations', ['respondent_organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_cases_assigned_officer_id_users'), 'users', ['assigned_officer_id'], ['id'])
        batch_op.create_check_constraint(
            'valid_outcome',
            "outcome IS NULL OR outcome IN ('settled', 'founded', 'partly_founded', 'unfounded')",
        )
        batch_op.create_check_constraint('merged_has_target', "(state = 'merged') = (merged_into_id IS NOT NULL)")

    op.execute(
        "UPDATE cases SET next_due_at = CASE WHEN state = 'submitted' "
        "THEN COALESCE(triage_due_at, acknowledge_due_at) ELSE feedback_due_at END"
    )

    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_entries_valid_kind'), type_='check')
        batch_op.create_check_constraint('valid_kind', "kind IN ('submission', 'from_complainant', 'to_complainant', 'internal_note', 'state_change', 'company_response', 'case_joined')")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('nomination', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('vice_chair', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            'valid_nomination', "nomination IS NULL OR nomination IN ('independent', 'industry', 'civil_society')"
        )




def downgrade():
    op.execute("DELETE FROM case_entries WHERE kind IN ('company_response', 'case_joined')")
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_case_entries_valid_kind'), type_='check')
        batch_op.create_check_constraint('valid_kind', "kind IN ('submission', 'from_complainant', 'to_complainant', 'internal_note', 'state_change')")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_valid_nomination'), type_='check')
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('vice_chair')
        batch_op.drop_column('nomination')
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_confirmed_at')

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cases_merged_has_target'), type_='check')
        batch_op.drop_constraint(op.f('ck_cases_valid_outcome'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_cases_assigned_officer_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_respondent_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_index('ix_cases_state_next_due_at')
        batch_op.drop_index(batch_op.f('ix_cases_respondent_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_cases_next_due_at'))
        batch_op.drop_index('ix_cases_assigned_officer_id_created_at')
        batch_op.drop_index('ix_cases_created_at_id')
        batch_op.drop_index('ix_cases_urgent_next_due_at')
        batch_op.create_index(batch_op.f('ix_cases_urgent'), ['urgent'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_acknowledge_due_at'), ['acknowledge_due_at'], unique=False)
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('info_request_due_at')
        batch_op.drop_column('monitoring_due_at')
        batch_op.drop_column('review_window_due_at')
        batch_op.drop_column('decision_due_at')
        batch_op.drop_column('company_response_due_at')
        batch_op.drop_column('admissibility_due_at')
        batch_op.drop_column('monitoring_checks_done')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('state_before_question')
        batch_op.drop_column('company_extension_used')
        batch_op.drop_column('company_summary_encrypted')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('assigned_officer_id')
        batch_op.drop_column('respondent_organisation_id')
        batch_op.drop_column('outcome')

    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_votes_decision_id'))

    op.drop_table('votes')
    with op.batch_alter_table('reminders_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_sent_case_id'))

    op.drop_table('reminders_sent')
    with op.batch_alter_table('recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recusals_user_id'))
        batch_op.drop_index(batch_op.f('ix_recusals_case_id'))

    op.drop_table('recusals')
    with op.batch_alter_table('panel_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_seats_user_id'))
        batch_op.drop_index(batch_op.f('ix_panel_seats_case_id'))

    op.drop_table('panel_seats')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_case_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('case_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_entities_entity_id'))

    op.drop_table('case_entities')
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_target'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
    with op.batch_alter_table('affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affiliations_user_id'))
        batch_op.drop_index(batch_op.f('ix_affiliations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_affiliations_entity_id'))

    op.drop_table('affiliations')
    with op.batch_alter_table('supply_chain_entities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_chain_entities_operator_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_supply_chain_entities_country'))

    op.drop_table('supply_chain_entities')

