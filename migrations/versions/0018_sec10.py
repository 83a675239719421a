"""sec10: uploads stored for their import job; ledger imports written in chunks (restartable)

Revision ID: 0018_sec10
Revises: 0016_ops
Create Date: 2026-12-02 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_sec10'
down_revision = '0017_cases2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_stored_upload_department_id_department')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_stored_upload_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_upload')),
    )
    with op.batch_alter_table('ledger_upload') as batch:
        batch.add_column(sa.Column('preview', sa.JSON(), nullable=True))
    with op.batch_alter_table('ledger_import') as batch:
        batch.add_column(sa.Column('complete', sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
    op.create_index('ix_ledger_entry_import_row', 'ledger_entry', ['import_id', 'row_number'],
                    unique=True)


def downgrade():
    op.drop_index('ix_ledger_entry_import_row', table_name='ledger_entry')
    with op.batch_alter_table('ledger_import') as batch:
        batch.drop_column('complete')
    with op.batch_alter_table('ledger_upload') as batch:
        batch.drop_column('preview')
    op.drop_table('stored_upload')
