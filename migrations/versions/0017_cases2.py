"""cases2: documents on investigation activities; payment stops with lifting; the origin of
automatic activities (benefit ended)

Revision ID: 0017_cases2
Revises: 0016_ops
Create Date: 2026-12-02 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_cases2'
down_revision = '0016_ops'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fut_case_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_name', sa.String(length=200), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['fut_case_activity.id'],
                                name=op.f('fk_fut_case_document_activity_id_fut_case_activity')),
        sa.ForeignKeyConstraint(['case_id'], ['fut_case.id'],
                                name=op.f('fk_fut_case_document_case_id_fut_case')),
        sa.ForeignKeyConstraint(['department_id'], ['department.id'],
                                name=op.f('fk_fut_case_document_department_id_department')),
        sa.ForeignKeyConstraint(['sha256'], ['registry_blob.sha256'],
                                name=op.f('fk_fut_case_document_sha256_registry_blob')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'],
                                name=op.f('fk_fut_case_document_uploaded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fut_case_document')),
    )
    with op.batch_alter_table('fut_case_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fut_case_document_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fut_case_document_case_id'), ['case_id'], unique=False)
    with op.batch_alter_table('fut_case_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=120), nullable=True))
    with op.batch_alter_table('fut_decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('lifted_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lifted_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('lifted_by_name', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_fut_decision_target_organisation_id'),
                              ['target_organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_fut_decision_target_organisation_id_organisation'),
                                    'organisation', ['target_organisation_id'], ['id'])


def downgrade():
    with op.batch_alter_table('fut_decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_fut_decision_target_organisation_id_organisation'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_fut_decision_target_organisation_id'))
        batch_op.drop_column('lifted_by_name')
        batch_op.drop_column('lifted_reason')
        batch_op.drop_column('lifted_on')
        batch_op.drop_column('target_organisation_id')
    with op.batch_alter_table('fut_case_activity', schema=None) as batch_op:
        batch_op.drop_column('origin')
    with op.batch_alter_table('fut_case_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fut_case_document_case_id'))
        batch_op.drop_index(batch_op.f('ix_fut_case_document_activity_id'))
    op.drop_table('fut_case_document')
