"""Plan packs saved to the store (a zip of the pack's files per version, with its author).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packs",
        sa.Column("pack", sa.Text, primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("name_vi", sa.Text, nullable=False),
        sa.Column("name_en", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False, server_default=""),
        sa.Column("saved_at", sa.Text, nullable=False),
        sa.Column("digest", sa.Text, nullable=False),
        sa.Column("files", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("version >= 1", name="pack_version_from_one"),
    )
