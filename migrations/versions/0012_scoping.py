"""scoping: who owns a grant; who closed a bank account

Revision ID: 0012_scoping
Revises: 0008_authsec
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_scoping'
down_revision = '0008_authsec'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('association_grant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_department_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_association_grant_owner_department_id'),
                              ['owner_department_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_association_grant_owner_department_id_department'), 'department',
            ['owner_department_id'], ['id'])
    # The granting department owns its grants; an external funder's grant belongs to the
    # department of the user who registered it.
    op.execute("UPDATE association_grant SET owner_department_id = COALESCE(department_id, "
               "(SELECT u.department_id FROM user_account u "
               "WHERE u.id = association_grant.created_by_id))")

    with op.batch_alter_table('bank_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_bank_account_removed_by_id_user_account'), 'user_account',
            ['removed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('bank_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bank_account_removed_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('removed_by_id')
    with op.batch_alter_table('association_grant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_association_grant_owner_department_id_department'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_association_grant_owner_department_id'))
        batch_op.drop_column('owner_department_id')
