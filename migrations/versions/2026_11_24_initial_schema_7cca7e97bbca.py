"""Initial schema: organisations and users (foundation), cases with their timeline and attachments (intake).

Reviewed by hand: CHECK constraints mirror the enums in the models; downgrade drops in reverse dependency order.

Revision ID: 7cca7e97bbca
Revises: 
Create Date: 2026-11-24 18:24:42.137280

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7cca7e97bbca'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('covenant_party', sa.Boolean(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('company', 'industry_association', 'union', 'ngo', 'government', 'secretariat')", name=op.f('ck_organisations_valid_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations')),
    sa.UniqueConstraint('name', name=op.f('uq_organisations_name'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisations_kind'), ['kind'], unique=False)

    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('filer_type', sa.String(length=32), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('identity_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('share_identity_with_company', sa.Boolean(), nullable=False),
    sa.Column('submission_locale', sa.String(length=16), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('commodity', sa.String(length=16), nullable=False),
    sa.Column('place_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('companies_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('incident_date', sa.Date(), nullable=True),
    sa.Column('incident_period_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('ongoing', sa.Boolean(), nullable=False),
    sa.Column('description_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('desired_remedy_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('people_affected', sa.Integer(), nullable=True),
    sa.Column('children_involved', sa.Boolean(), nullable=False),
    sa.Column('retaliation_risk', sa.Boolean(), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rules_version', sa.String(length=16), nullable=False),
    sa.Column('acknowledge_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('triage_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('filed_by_organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("commodity IN ('aluminium', 'steel', 'cobalt', 'copper', 'nickel', 'tin', 'zinc', 'other')", name=op.f('ck_cases_valid_commodity')),
    sa.CheckConstraint("filer_type IN ('affected_person', 'on_behalf', 'union', 'ngo', 'witness')", name=op.f('ck_cases_valid_filer_type')),
    sa.CheckConstraint("state IN ('submitted', 'acknowledged', 'info_requested', 'assessment', 'inadmissible', 'company_response', 'dialogue', 'adjudication', 'decided', 'review', 'monitoring', 'closed', 'withdrawn', 'merged')", name=op.f('ck_cases_valid_state')),
    sa.CheckConstraint('anonymous OR identity_encrypted IS NOT NULL', name=op.f('ck_cases_identity_unless_anonymous')),
    sa.CheckConstraint('people_affected IS NULL OR people_affected > 0', name=op.f('ck_cases_people_affected_positive')),
    sa.ForeignKeyConstraint(['filed_by_organisation_id'], ['organisations.id'], name=op.f('fk_cases_filed_by_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_cases_receipt_hash')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_acknowledge_due_at'), ['acknowledge_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_commodity'), ['commodity'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_filed_by_organisation_id'), ['filed_by_organisation_id'], unique=False)
        batch_op.create_index('ix_cases_state_created_at', ['state', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_urgent'), ['urgent'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('totp_secret_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('secretariat', 'chair', 'member', 'company', 'organisation', 'admin')", name=op.f('ck_users_valid_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_users_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_role'), ['role'], unique=False)

    op.create_table('case_categories',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.CheckConstraint("category IN ('child_labour', 'forced_labour', 'health_safety', 'wages_hours', 'freedom_of_association', 'discrimination', 'environment', 'land', 'indigenous', 'security_violence', 'corruption', 'retaliation', 'other')", name=op.f('ck_case_categories_valid_category')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_categories_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'category', name=op.f('pk_case_categories'))
    )
    with op.batch_alter_table('case_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_categories_category'), ['category'], unique=False)

    op.create_table('case_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=True),
    sa.Column('body_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('translation_encrypted', sa.LargeBinary(), nullable=True),
    sa.Column('new_state', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('submission', 'from_complainant', 'to_complainant', 'internal_note', 'state_change')", name=op.f('ck_case_entries_valid_kind')),
    sa.CheckConstraint("visibility IN ('complainant', 'internal', 'company')", name=op.f('ck_case_entries_valid_visibility')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_entries_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_entries_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_entries'))
    )
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_entries_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_entries_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_entries_case_id_visibility', ['case_id', 'visibility'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('name_encrypted', sa.LargeBinary(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['case_entries.id'], name=op.f('fk_attachments_entry_id_case_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_attachments_storage_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_entry_id'), ['entry_id'], unique=False)




def downgrade():

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_entry_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('case_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_case_entries_case_id_visibility')
        batch_op.drop_index(batch_op.f('ix_case_entries_case_id'))
        batch_op.drop_index(batch_op.f('ix_case_entries_author_id'))

    op.drop_table('case_entries')
    with op.batch_alter_table('case_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_categories_category'))

    op.drop_table('case_categories')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_role'))
        batch_op.drop_index(batch_op.f('ix_users_organisation_id'))

    op.drop_table('users')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_urgent'))
        batch_op.drop_index('ix_cases_state_created_at')
        batch_op.drop_index(batch_op.f('ix_cases_filed_by_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_cases_country'))
        batch_op.drop_index(batch_op.f('ix_cases_commodity'))
        batch_op.drop_index(batch_op.f('ix_cases_acknowledge_due_at'))

    op.drop_table('cases')
    op.drop_table('reference_counters')
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_kind'))

    op.drop_table('organisations')

