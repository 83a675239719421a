"""rule values: one store of dated rule values for every domain (grant_rule_value moves in)

Revision ID: 0007_rule_values
Revises: 0005_associations
Create Date: 2026-12-02 16:40:00

Seeds today's values (the defaults registered in code at the time of writing; later defaults
are added by ``flask demo load`` / ``seed_defaults``, which insert what is missing) and moves
the grant rule values of ``grant_rule_value`` into the store as ``grants.<code>``.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0007_rule_values'
down_revision = '0005_associations'
branch_labels = None
depends_on = None

GRANT_UNITS = {"min_org_age_years": "years", "verksamhetsbidrag_prior_years": "years",
               "tidsbegransat_max_years": "years", "report_due_months": "months",
               "halfyear_report_due_months": "months"}

DEFAULTS = [  # key, value, unit, valid_from, valid_to, source_kind, source
    ('accounts.change_window_days', '30', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för kontokontroll'),
    ('accounts.evidence_max_age_days', '180', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för kontokontroll'),
    ('accounts.name_close_threshold', '85', 'percent', date(2000, 1, 1), None, 'policy',
     'EU-förordning 2024/886 (Verification of Payee); kommunens riktlinje för tröskeln'),
    ('accounts.name_match_threshold', '95', 'percent', date(2000, 1, 1), None, 'policy',
     'EU-förordning 2024/886 (Verification of Payee); kommunens riktlinje för tröskeln'),
    ('assistance.hospital_max_days_with_special_reasons', '28', 'days', date(2000, 1, 1), None, 'law',
     'SFB 51 kap. 23 §'),
    ('assistance.municipal_max_hours_per_week', '20', 'hours_per_week', date(2000, 1, 1), None, 'law',
     'LSS 9 § 2, SFB 51 kap. 2 §'),
    ('assistance.revocation_grace_days', '14', 'days', date(2000, 1, 1), None, 'law',
     'prop. 2020/21:205'),
    ('assistance.schablonbelopp', '299.80', 'kr_per_hour', date(2019, 1, 1), date(2019, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.schablonbelopp', '304.30', 'kr_per_hour', date(2020, 1, 1), date(2020, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.schablonbelopp', '315.00', 'kr_per_hour', date(2021, 1, 1), date(2021, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.schablonbelopp', '319.70', 'kr_per_hour', date(2022, 1, 1), date(2022, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.schablonbelopp', '324.50', 'kr_per_hour', date(2023, 1, 1), date(2023, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.schablonbelopp', '332.60', 'kr_per_hour', date(2024, 1, 1), date(2024, 12, 31), 'law',
     'Förordning om assistansersättning / regeringsbeslut'),
    ('assistance.timereport_due_day', '10', 'day_of_month', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för tidsredovisning'),
    ('assistance.working_time_cap_hours', '48', 'hours', date(2000, 1, 1), None, 'law',
     'Arbetstidslagen (1982:673) 10 b §'),
    ('assistance.working_time_cap_hours_relative', '52', 'hours', date(2000, 1, 1), None, 'law',
     'Lag (1970:943) om arbetstid m.m. i husligt arbete'),
    ('assistance.working_time_window_weeks', '4', 'weeks', date(2000, 1, 1), None, 'law',
     'Arbetstidslagen (1982:673) 10 b §'),
    ('cases.claim_deadline_years', '3', 'years', date(2000, 1, 1), None, 'law',
     'SoL 9 kap. 3 § (ersättningstalan inom tre år från utbetalningen)'),
    ('cases.missed_instalment_grace_days', '7', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för återkrav'),
    ('cases.start_deadline_months', '3', 'months', date(2000, 1, 1), None, 'policy',
     'Stockholms stad, förslag efter revisionen av FUT-arbetet'),
    ('grants.halfyear_report_due_months', '1', 'months', date(2000, 1, 1), None, 'policy',
     'Kommunens praxis (inte angiven i riktlinjerna; ange kommunens eget värde)'),
    ('grants.min_org_age_years', '2', 'years', date(2000, 1, 1), None, 'policy',
     'Stockholms stad, socialnämndens riktlinjer för föreningsbidrag'),
    ('grants.report_due_months', '3', 'months', date(2000, 1, 1), None, 'policy',
     'Kommunens praxis (inte angiven i riktlinjerna; ange kommunens eget värde)'),
    ('grants.tidsbegransat_max_years', '2', 'years', date(2000, 1, 1), None, 'policy',
     'Stockholms stad, socialnämndens riktlinjer för föreningsbidrag'),
    ('grants.verksamhetsbidrag_prior_years', '2', 'years', date(2000, 1, 1), None, 'policy',
     'Stockholms stad, socialnämndens riktlinjer för föreningsbidrag'),
    ('ivo.permit_verification_max_age_days', '30', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för hur gamla registersvar får vara'),
    ('procurement.direct_award_limit', '615312', 'kr', date(2020, 1, 1), date(2022, 1, 31), 'law',
     'LOU 19 kap. 8 § (28 % av tröskelvärdet), enligt stadens handlingsplan'),
    ('procurement.direct_award_limit', '700000', 'kr', date(2022, 2, 1), None, 'law',
     'LOU 19 kap. 2 §'),
    ('procurement.documentation_limit', '100000', 'kr', date(2017, 1, 1), None, 'law',
     'LOU 19 kap. 30 §'),
    ('registries.bolagsverket.max_age_days', '30', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för hur gamla registersvar får vara'),
    ('registries.kronofogden.max_age_days', '90', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för hur gamla registersvar får vara (utdrag i upphandlingssyfte)'),
    ('registries.sanctions.max_age_days', '7', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för hur gamla registersvar får vara (listorna ändras ofta)'),
    ('registries.skatteverket.max_age_days', '90', 'days', date(2000, 1, 1), None, 'policy',
     'Kommunens riktlinje för hur gamla registersvar får vara (SKV 4820 högst 3 månader)'),
    ('suppliers.complaint_years', '3', 'years', date(2017, 1, 1), None, 'law',
     'LOU 13 kap. 3 § 7'),
    ('suppliers.complaints_for_persistent_deficiency', '2', 'count', date(2017, 1, 1), None, 'policy',
     'Kommunens riktlinje (LOU 13 kap. 3 § 7); ett allvarligt klagomål räcker ensamt'),
    ('suppliers.conviction_years', '5', 'years', date(2017, 1, 1), None, 'law',
     'LOU 13 kap. 4 §'),
    ('suppliers.criminal_record_max_age_days', '180', 'days', date(2017, 1, 1), None, 'policy',
     'Kommunens riktlinje (högst 6 månader)'),
    ('suppliers.event_years', '3', 'years', date(2017, 1, 1), None, 'law',
     'LOU 13 kap. 4 §'),
    ('suppliers.lov_conviction_years', '5', 'years', date(2009, 1, 1), None, 'policy',
     'LOV 7 kap. 1 § anger ingen tidsgräns; staden tillämpar LOU:s fem år av proportionalitetsskäl'),
    ('suppliers.monitor_interval_days', '7', 'days', date(2017, 1, 1), None, 'policy',
     'Kommunens riktlinje för bevakning'),
]


def upgrade():
    table = op.create_table(
        'rule_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source_kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_rule_value_created_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_value')),
    )
    with op.batch_alter_table('rule_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_value_key'), ['key'], unique=False)
    now = datetime.now(timezone.utc)
    rows = [dict(key=k, value=v, unit=u, valid_from=f, valid_to=t, source_kind=kind, source=s,
                 created_at=now) for k, v, u, f, t, kind, s in DEFAULTS]
    rows = _with_grant_rows(rows, now)
    op.bulk_insert(table, rows)
    with op.batch_alter_table('grant_rule_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_rule_value_code'))
    op.drop_table('grant_rule_value')


def _with_grant_rows(rows, now):
    """The municipality's own grant values replace the default from their first date on."""
    old = op.get_bind().execute(sa.text(
        "SELECT code, value, valid_from, valid_to, source FROM grant_rule_value "
        "ORDER BY code, valid_from")).all()
    for code, value, valid_from, valid_to, source in old:
        if code not in GRANT_UNITS:
            continue
        if isinstance(valid_from, str):
            valid_from = date.fromisoformat(valid_from[:10])
        if isinstance(valid_to, str):
            valid_to = date.fromisoformat(valid_to[:10])
        key = f"grants.{code}"
        for row in rows:
            if row["key"] == key and row["valid_from"] < valid_from and (
                    row["valid_to"] is None or row["valid_to"] >= valid_from):
                row["valid_to"] = date.fromordinal(valid_from.toordinal() - 1)
        rows.append(dict(key=key, value=str(value), unit=GRANT_UNITS[code],
                         valid_from=valid_from, valid_to=valid_to, source_kind='decision',
                         source=(source or "Nämndbeslut")[:300], created_at=now))
    return rows


def downgrade():
    op.create_table(
        'grant_rule_value',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_to', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_rule_value')),
    )
    with op.batch_alter_table('grant_rule_value', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_rule_value_code'), ['code'], unique=False)
    op.execute("INSERT INTO grant_rule_value (code, value, valid_from, valid_to, source) "
               "SELECT substr(key, 8), CAST(value AS NUMERIC), valid_from, valid_to, source "
               "FROM rule_value WHERE key LIKE 'grants.%' AND source_kind = 'decision'")
    with op.batch_alter_table('rule_value', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_value_key'))
    op.drop_table('rule_value')
