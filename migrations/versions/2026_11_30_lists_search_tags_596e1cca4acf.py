"""The secretariat's lists: tags on cases, the staff summary and its blind index, saved filters.

Reviewed by hand: three new tables and one nullable column; downgrade drops them.

Revision ID: 596e1cca4acf
Revises: b619563d8c0c
Create Date: 2026-11-30 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '596e1cca4acf'
down_revision = "b619563d8c0c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tags'))
    )
    op.create_table('case_tags',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('tagged_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tags_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_case_tags_tag_id_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tagged_by_id'], ['users.id'], name=op.f('fk_case_tags_tagged_by_id_users')),
    sa.PrimaryKeyConstraint('case_id', 'tag_id', name=op.f('pk_case_tags'))
    )
    with op.batch_alter_table('case_tags', schema=None) as batch_op:
        batch_op.create_index('ix_case_tags_tag_id_case_id', ['tag_id', 'case_id'], unique=False)

    op.create_table('case_search_terms',
    sa.Column('term', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_terms_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('term', 'case_id', name=op.f('pk_case_search_terms'))
    )
    with op.batch_alter_table('case_search_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_search_terms_case_id'), ['case_id'], unique=False)

    op.create_table('saved_filters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_filters_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filters'))
    )
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.create_index('ix_saved_filters_user_id_name', ['user_id', 'name'], unique=False)

    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_summary_encrypted', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('staff_summary_encrypted')
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.drop_index('ix_saved_filters_user_id_name')
    op.drop_table('saved_filters')
    with op.batch_alter_table('case_search_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_search_terms_case_id'))
    op.drop_table('case_search_terms')
    with op.batch_alter_table('case_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tags_tag_id_case_id')
    op.drop_table('case_tags')
    op.drop_table('tags')
