"""jobs: heartbeat and attempts; status 'interrupted' fits the column

Revision ID: 0006_jobs
Revises: 0005_associations
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_jobs'
down_revision = '0005_associations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.alter_column('status', existing_type=sa.String(length=10),
                              type_=sa.String(length=12), existing_nullable=False)


def downgrade():
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('status', existing_type=sa.String(length=12),
                              type_=sa.String(length=10), existing_nullable=False)
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_at')
