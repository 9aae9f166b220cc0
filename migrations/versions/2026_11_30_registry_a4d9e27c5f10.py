"""The registry of organisations and sites: identifiers, regions, coarse coordinates, commodities as rows, relations.

organisations: lei (unique), country, an index on covenant_party, and the kind community_organisation.
organisation_identifiers: national register numbers (org-id.guide scheme + identifier), unique per pair.
supply_chain_entities: region (ISO 3166-2), rmi_id and os_id (unique), geonames_id, latitude and longitude (CHECK
ranges), an index on kind; the comma-separated commodities column becomes rows of entity_commodities (indexed, so
the registry's commodity filter uses an index), copied over in both directions.
entity_relations: operates / owned_by / supplies, each side exactly one organisation or one site (CHECKs).

Reviewed by hand: CHECK constraints mirror portal/organisations/models.py (autogenerate does not compare them).
Downgrade: community organisations become ngo (the old CHECK has no such kind); identifiers, coordinates and
relations are dropped.

Revision ID: a4d9e27c5f10
Revises: c4a7d2e9f1b3
Create Date: 2026-11-30 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4d9e27c5f10'
down_revision = 'c4a7d2e9f1b3'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('company', 'industry_association', 'union', 'ngo', 'government', 'secretariat')"
NEW_KINDS = (
    "kind IN ('company', 'industry_association', 'union', 'ngo', 'community_organisation', 'government', "
    "'secretariat')"
)
COMMODITIES = "'aluminium', 'steel', 'cobalt', 'copper', 'nickel', 'tin', 'zinc', 'other'"
ONE_SUBJECT = "(subject_organisation_id IS NULL) <> (subject_entity_id IS NULL)"
ONE_OBJECT = "(object_organisation_id IS NULL) <> (object_entity_id IS NULL)"
SHAPE = (
    "(relation = 'operates' AND subject_organisation_id IS NOT NULL AND object_entity_id IS NOT NULL)"
    " OR (relation = 'owned_by' AND object_organisation_id IS NOT NULL)"
    " OR (relation = 'supplies' AND subject_entity_id IS NOT NULL)"
)

entities = sa.table('supply_chain_entities', sa.column('id', sa.Integer), sa.column('commodities', sa.String))
entity_commodities = sa.table('entity_commodities', sa.column('entity_id', sa.Integer), sa.column('commodity', sa.String))


# SQLite rebuilds altered tables; migrations/env.py switches foreign keys off around every migration run (and
# verifies them before committing), so rows pointing at a rebuilt table are neither refused nor cascaded away.


def upgrade():
    _upgrade()


def downgrade():
    _downgrade()


def _upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lei', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('country', sa.String(length=2), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organisations_lei'), ['lei'])
        batch_op.create_index(batch_op.f('ix_organisations_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_covenant_party'), ['covenant_party'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_organisations_valid_kind'), type_='check')
        batch_op.create_check_constraint('valid_kind', NEW_KINDS)

    op.create_table('organisation_identifiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=20), nullable=False),
    sa.Column('identifier', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_identifiers_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_identifiers')),
    sa.UniqueConstraint('scheme', 'identifier', name=op.f('uq_organisation_identifiers_scheme_identifier'))
    )
    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_identifiers_organisation_id'), ['organisation_id'], unique=False)

    connection = op.get_bind()
    metals = [
        {'entity_id': row.id, 'commodity': value}
        for row in connection.execute(sa.select(entities.c.id, entities.c.commodities))
        for value in dict.fromkeys(item.strip() for item in (row.commodities or '').split(',') if item.strip())
        if f"'{value}'" in COMMODITIES  # an unknown word in the old free column is dropped, not carried over
    ]

    with op.batch_alter_table('supply_chain_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column('rmi_id', sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column('os_id', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('geonames_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_supply_chain_entities_rmi_id'), ['rmi_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_supply_chain_entities_os_id'), ['os_id'])
        batch_op.create_index(batch_op.f('ix_supply_chain_entities_kind'), ['kind'], unique=False)
        batch_op.create_check_constraint('valid_latitude', 'latitude IS NULL OR (latitude >= -90 AND latitude <= 90)')
        batch_op.create_check_constraint('valid_longitude', 'longitude IS NULL OR (longitude >= -180 AND longitude <= 180)')
        batch_op.drop_column('commodities')

    op.create_table('entity_commodities',
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('commodity', sa.String(length=32), nullable=False),
    sa.CheckConstraint(f"commodity IN ({COMMODITIES})", name=op.f('ck_entity_commodities_valid_commodity')),
    sa.ForeignKeyConstraint(['entity_id'], ['supply_chain_entities.id'], name=op.f('fk_entity_commodities_entity_id_supply_chain_entities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('entity_id', 'commodity', name=op.f('pk_entity_commodities'))
    )
    with op.batch_alter_table('entity_commodities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_commodities_commodity'), ['commodity'], unique=False)
    if metals:
        op.bulk_insert(entity_commodities, metals)

    op.create_table('entity_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=16), nullable=False),
    sa.Column('subject_organisation_id', sa.Integer(), nullable=True),
    sa.Column('subject_entity_id', sa.Integer(), nullable=True),
    sa.Column('object_organisation_id', sa.Integer(), nullable=True),
    sa.Column('object_entity_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("relation IN ('operates', 'owned_by', 'supplies')", name=op.f('ck_entity_relations_valid_relation')),
    sa.CheckConstraint(ONE_SUBJECT, name=op.f('ck_entity_relations_one_subject')),
    sa.CheckConstraint(ONE_OBJECT, name=op.f('ck_entity_relations_one_object')),
    sa.CheckConstraint(SHAPE, name=op.f('ck_entity_relations_valid_shape')),
    sa.ForeignKeyConstraint(['object_entity_id'], ['supply_chain_entities.id'], name=op.f('fk_entity_relations_object_entity_id_supply_chain_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['object_organisation_id'], ['organisations.id'], name=op.f('fk_entity_relations_object_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_entity_id'], ['supply_chain_entities.id'], name=op.f('fk_entity_relations_subject_entity_id_supply_chain_entities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_organisation_id'], ['organisations.id'], name=op.f('fk_entity_relations_subject_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entity_relations'))
    )
    with op.batch_alter_table('entity_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entity_relations_object_entity_id'), ['object_entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_relations_object_organisation_id'), ['object_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_relations_subject_entity_id'), ['subject_entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entity_relations_subject_organisation_id'), ['subject_organisation_id'], unique=False)


def _downgrade():
    connection = op.get_bind()
    with op.batch_alter_table('entity_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_relations_subject_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_entity_relations_subject_entity_id'))
        batch_op.drop_index(batch_op.f('ix_entity_relations_object_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_entity_relations_object_entity_id'))
    op.drop_table('entity_relations')

    joined: dict[int, list[str]] = {}
    query = sa.select(entity_commodities.c.entity_id, entity_commodities.c.commodity).order_by(
        entity_commodities.c.entity_id, entity_commodities.c.commodity
    )
    for row in connection.execute(query):
        joined.setdefault(row.entity_id, []).append(row.commodity)
    with op.batch_alter_table('entity_commodities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entity_commodities_commodity'))
    op.drop_table('entity_commodities')

    with op.batch_alter_table('supply_chain_entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commodities', sa.String(length=200), nullable=False, server_default=''))
        batch_op.drop_constraint(batch_op.f('ck_supply_chain_entities_valid_longitude'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_supply_chain_entities_valid_latitude'), type_='check')
        batch_op.drop_index(batch_op.f('ix_supply_chain_entities_kind'))
        batch_op.drop_constraint(batch_op.f('uq_supply_chain_entities_os_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_supply_chain_entities_rmi_id'), type_='unique')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('geonames_id')
        batch_op.drop_column('os_id')
        batch_op.drop_column('rmi_id')
        batch_op.drop_column('region')
    for entity_id, values in joined.items():
        connection.execute(entities.update().where(entities.c.id == entity_id).values(commodities=','.join(values)))

    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_identifiers_organisation_id'))
    op.drop_table('organisation_identifiers')

    organisations = sa.table('organisations', sa.column('kind', sa.String))
    connection.execute(
        organisations.update().where(organisations.c.kind == 'community_organisation').values(kind='ngo')
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_organisations_valid_kind'), type_='check')
        batch_op.create_check_constraint('valid_kind', OLD_KINDS)
        batch_op.drop_index(batch_op.f('ix_organisations_covenant_party'))
        batch_op.drop_index(batch_op.f('ix_organisations_country'))
        batch_op.drop_constraint(batch_op.f('uq_organisations_lei'), type_='unique')
        batch_op.drop_column('country')
        batch_op.drop_column('lei')
