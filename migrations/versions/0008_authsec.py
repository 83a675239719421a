"""authsec: a session generation per user (ends every session of that user)

Revision ID: 0008_authsec
Revises: 0007_rule_values
Create Date: 2026-12-02 16:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_authsec'
down_revision = '0007_rule_values'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
