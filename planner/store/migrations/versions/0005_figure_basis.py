"""What each stored actual figure is (its basis: published, estimate, part of a year, other definition),
as a pack's figures say; figures stored before carry "published", what they were taken as.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("figures") as batch:
        batch.add_column(sa.Column("basis", sa.Text, nullable=False, server_default="published"))


def downgrade() -> None:
    with op.batch_alter_table("figures") as batch:
        batch.drop_column("basis")
