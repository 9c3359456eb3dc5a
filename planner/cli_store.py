"""``python -m planner store …``: the store commands a city's IT department runs on the server.

- ``store move --from A --to B``: copy a whole store (SQLite path or URL → URL or path), counted;
- ``store upgrade [--db A]``: run the schema migrations now (the app also does it when it starts);
- ``store counts [--db A]``: rows per table (a quick look, and the numbers a move keeps);
- ``store grant EMAIL ROLE [--db A]``: give a role from the shell (e.g. the first admin).

``--db`` defaults to ``$PLANNER_DB``.  A URL's password is never printed.
"""

from __future__ import annotations

import argparse
import json


def add_store_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("store", help="the shared store: move between SQLite and PostgreSQL, upgrade, counts, roles")
    ops = p.add_subparsers(dest="store_command", required=True, parser_class=type(p))
    m = ops.add_parser("move", help="copy a whole store into an empty one (SQLite ↔ PostgreSQL), counted")
    m.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL")
    m.add_argument("--to", dest="target", required=True, metavar="PATH_OR_URL")
    for name, text in (("upgrade", "run the schema migrations"), ("counts", "rows per table")):
        q = ops.add_parser(name, help=text)
        q.add_argument("--db", metavar="PATH_OR_URL", help="default: $PLANNER_DB")
    g = ops.add_parser("grant", help="give EMAIL the role viewer, editor or admin")
    g.add_argument("email")
    g.add_argument("role", choices=("viewer", "editor", "admin"))
    g.add_argument("--db", metavar="PATH_OR_URL", help="default: $PLANNER_DB")


def cmd_store(args: argparse.Namespace) -> str:
    from .store import ScenarioStore
    from .store.move import move_store

    if args.store_command == "move":
        report = move_store(args.source, args.target)
        return json.dumps({"from": report.source, "to": report.target, "counts": report.counts}, indent=2)
    store = ScenarioStore(args.db)
    if args.store_command == "grant":
        grant = store.set_role(args.email, args.role)
        return f"{grant.email}: {grant.role}"
    return json.dumps({"store": store.where, "counts": store.counts()}, indent=2)
