"""The store's tables, declared once for SQLAlchemy Core (both back-ends) and mirrored by the migrations.

Times are ISO 8601 text in UTC with microseconds, on both back-ends: they sort as text, and a backup
written from one back-end and read into the other carries them unchanged, to the character.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("pack", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("deleted_at", sa.Text),
)

versions = sa.Table(
    "versions", metadata,
    sa.Column("scenario_id", sa.Text, sa.ForeignKey("scenarios.id"), primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False, server_default=""),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("scenario_json", sa.Text, nullable=False),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.Column("search", sa.Text, nullable=False),
    sa.CheckConstraint("version >= 1", name="version_from_one"),
)

figures = sa.Table(
    "figures", metadata,
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
    sa.Column("basis", sa.Text, nullable=False, server_default="published"),  # what the figure is (0005)
    sa.CheckConstraint("version >= 1", name="figure_version_from_one"),
    sa.CheckConstraint("removed IN (0, 1)", name="figure_removed_flag"),
)

roles = sa.Table(
    "roles", metadata,
    sa.Column("email", sa.Text, primary_key=True),  # folded to lower case
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("granted_by", sa.Text, nullable=False, server_default=""),
    sa.Column("granted_at", sa.Text, nullable=False),
    sa.CheckConstraint("role IN ('viewer', 'editor', 'admin')", name="known_role"),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("actor", sa.Text, nullable=False),  # the signed-in e-mail, or the typed author without sign-in
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("pack", sa.Text, nullable=False, server_default=""),
    sa.Column("target", sa.Text, nullable=False, server_default=""),
    sa.Column("detail", sa.Text, nullable=False, server_default=""),
)
sa.Index("audit_at", audit.c.at)

packs = sa.Table(
    "packs", metadata,
    sa.Column("pack", sa.Text, primary_key=True),  # the id in the pack's pack.toml
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("name_vi", sa.Text, nullable=False),
    sa.Column("name_en", sa.Text, nullable=False),
    sa.Column("author", sa.Text, nullable=False, server_default=""),
    sa.Column("saved_at", sa.Text, nullable=False),
    sa.Column("digest", sa.Text, nullable=False),  # the content hash the app loads it under
    sa.Column("files", sa.LargeBinary, nullable=False),  # the zip of the pack's files, as checked
    sa.CheckConstraint("version >= 1", name="pack_version_from_one"),
)

TABLES: tuple[sa.Table, ...] = (scenarios, versions, figures, roles, audit, packs)  # in foreign-key order
