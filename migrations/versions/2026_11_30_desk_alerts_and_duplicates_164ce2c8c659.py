"""The secretariat's desk: pattern alerts (with the cases they group and the covenant members downstream) and
duplicate suggestions (score and reason keys, never text); an index on cases for counting a category + commodity +
country within a window.

Reviewed by hand: four new tables and one new index on ``cases``; nothing existing changes. Downgrade drops them.

Revision ID: 164ce2c8c659
Revises: 596e1cca4acf
Create Date: 2026-11-30 16:14:06

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '164ce2c8c659'
down_revision = "596e1cca4acf"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('group_key', sa.String(length=80), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=True),
    sa.Column('commodity', sa.String(length=16), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('first_case_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_case_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(kind = 'site') = (entity_id IS NOT NULL) AND (kind = 'organisation') = (organisation_id IS NOT NULL) AND (kind = 'pattern') = (category IS NOT NULL AND commodity IS NOT NULL AND country IS NOT NULL)", name=op.f('ck_alerts_valid_group')),
    sa.CheckConstraint("kind IN ('site', 'organisation', 'pattern')", name=op.f('ck_alerts_valid_kind')),
    sa.CheckConstraint("category IS NULL OR category IN ('child_labour', 'forced_labour', 'health_safety', 'wages_hours', 'freedom_of_association', 'discrimination', 'environment', 'land', 'indigenous', 'security_violence', 'corruption', 'retaliation', 'other')", name=op.f('ck_alerts_valid_category')),
    sa.CheckConstraint("commodity IS NULL OR commodity IN ('aluminium', 'steel', 'cobalt', 'copper', 'nickel', 'tin', 'zinc', 'other')", name=op.f('ck_alerts_valid_commodity')),
    sa.CheckConstraint("status IN ('open', 'acknowledged', 'dismissed')", name=op.f('ck_alerts_valid_status')),
    sa.ForeignKeyConstraint(['entity_id'], ['supply_chain_entities.id'], name=op.f('fk_alerts_entity_id_supply_chain_entities')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_alerts_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['status_changed_by_id'], ['users.id'], name=op.f('fk_alerts_status_changed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alerts_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index('ix_alerts_group_key_id', ['group_key', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alerts_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_alerts_status_last_case_at', ['status', 'last_case_at'], unique=False)

    op.create_table('alert_cases',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_cases_alert_id_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_alert_cases_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'case_id', name=op.f('pk_alert_cases'))
    )
    with op.batch_alter_table('alert_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_cases_case_id'), ['case_id'], unique=False)

    op.create_table('alert_members',
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('hops', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], name=op.f('fk_alert_members_alert_id_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_alert_members_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('alert_id', 'organisation_id', name=op.f('pk_alert_members'))
    )
    op.create_table('duplicate_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_case_id', sa.Integer(), nullable=False),
    sa.Column('second_case_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('dismissed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dismissed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('suggested', 'dismissed')", name=op.f('ck_duplicate_suggestions_valid_status')),
    sa.CheckConstraint('first_case_id < second_case_id', name=op.f('ck_duplicate_suggestions_ordered_pair')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_duplicate_suggestions_valid_score')),
    sa.ForeignKeyConstraint(['dismissed_by_id'], ['users.id'], name=op.f('fk_duplicate_suggestions_dismissed_by_id_users')),
    sa.ForeignKeyConstraint(['first_case_id'], ['cases.id'], name=op.f('fk_duplicate_suggestions_first_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_case_id'], ['cases.id'], name=op.f('fk_duplicate_suggestions_second_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_suggestions')),
    sa.UniqueConstraint('first_case_id', 'second_case_id', name=op.f('uq_duplicate_suggestions_first_case_id_second_case_id'))
    )
    with op.batch_alter_table('duplicate_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_duplicate_suggestions_second_case_id', ['second_case_id'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_country_commodity_created_at', ['country', 'commodity', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_country_commodity_created_at')

    with op.batch_alter_table('duplicate_suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_duplicate_suggestions_second_case_id')

    op.drop_table('duplicate_suggestions')
    op.drop_table('alert_members')
    with op.batch_alter_table('alert_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_cases_case_id'))

    op.drop_table('alert_cases')
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_status_last_case_at')
        batch_op.drop_index(batch_op.f('ix_alerts_organisation_id'))
        batch_op.drop_index('ix_alerts_group_key_id')
        batch_op.drop_index(batch_op.f('ix_alerts_entity_id'))

    op.drop_table('alerts')
