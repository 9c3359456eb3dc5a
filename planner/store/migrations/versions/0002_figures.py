"""Actual figures per pack, every version kept (SQLite ``user_version`` 2).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "figures",
        sa.Column("pack", sa.Text, primary_key=True),
        sa.Column("indicator", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("value", sa.Float(precision=53), nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("removed", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("version >= 1", name="figure_version_from_one"),
        sa.CheckConstraint("removed IN (0, 1)", name="figure_removed_flag"),
    )
