"""panels: one open-call sign-up per rendered form (a resend or two clicks store one volunteer)

Revision ID: 0006_open_call_key
Revises: 0005_followup
Create Date: 2026-11-23 18:40:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0006_open_call_key"
down_revision = "0005_followup"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_volunteer_panel_id"), ["panel_id", "submission_key"]
        )


def downgrade():
    with op.batch_alter_table("volunteer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_volunteer_panel_id"), type_="unique")
        batch_op.drop_column("submission_key")
