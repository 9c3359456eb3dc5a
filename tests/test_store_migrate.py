"""Schema upgrades in place and moving a store between SQLite and PostgreSQL, checked by counting."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from planner.cli import main
from planner.errors import PlannerError
from planner.store import ScenarioStore, migrate
from planner.store.move import move_store

ROOT = Path(__file__).resolve().parent.parent
PACK = "hai-duong-2023"
FIRST_RELEASE = "1660087"  # the store before actual figures (schema 1, no Alembic)
FIGURES_RELEASE = "1264b3a"  # the SQLite store with actual figures (schema 2, no Alembic)

OLD_WRITER = """
import sys
from planner.store import ScenarioStore
s = ScenarioStore(sys.argv[1])
data = {"pack": "hai-duong-2023", "preset": "trend", "levers": {"htx_new_per_year": 25}}
a, _ = s.save(data, "Hải Dương nhanh", author="Nguyễn Văn A", note="ghi chú")
s.save({**data, "levers": {"htx_new_per_year": 30}}, "Hải Dương nhanh v2", scenario_id=a)
b, _ = s.save(data, "Bị xóa")
s.delete(b)
if hasattr(s, "save_figure"):
    s.save_figure("hai-duong-2023", "htx", 2025, 530, source="Sở", author="B")
    s.save_figure("hai-duong-2023", "htx", 2025, 531, author="C")
print(a, b)
"""


def old_code(tmp_path: Path, commit: str) -> Path:
    """The ``planner`` package exactly as it was at ``commit``, unpacked into a folder of its own."""
    where = tmp_path / f"code-{commit}"
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit, "planner", "data"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(where, filter="data")
    return where


def made_by(tmp_path: Path, commit: str) -> tuple[Path, str, str]:
    code = old_code(tmp_path, commit)
    path = tmp_path / f"old-{commit}.sqlite"
    out = subprocess.run([sys.executable, "-c", OLD_WRITER, str(path)], cwd=code, env={"PYTHONPATH": str(code)},
                         check=True, capture_output=True, text=True).stdout.split()
    return path, out[0], out[1]


@pytest.mark.parametrize("commit", [FIRST_RELEASE, FIGURES_RELEASE])
def test_a_file_made_by_an_earlier_release_is_upgraded_in_place(tmp_path: Path, commit: str) -> None:
    path, a, b = made_by(tmp_path, commit)
    con = sqlite3.connect(path)
    before = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("scenarios", "versions")}
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'alembic_version'").fetchall() == []
    con.close()
    inode = path.stat().st_ino

    store = ScenarioStore(path)
    assert store.recovered_from is None and path.stat().st_ino == inode  # the same file, not a new one
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD,)]
    after = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in ("scenarios", "versions")}
    con.close()
    assert after == before  # every row exactly as the old code wrote it
    assert [v.name for v in store.versions(a)] == ["Hải Dương nhanh", "Hải Dương nhanh v2"]
    assert store.load(a)["levers"] == {"htx_new_per_year": 30.0}
    assert store.get(b).deleted and [s.id for s in store.list()] == [a]
    if commit == FIGURES_RELEASE:
        assert [(f.value, f.author) for f in store.figure_history(PACK, "htx", 2025)] == [(530.0, "B"), (531.0, "C")]
        # figures stored before they had a basis were taken as published, and still are
        assert {f.basis for f in store.figure_history(PACK, "htx", 2025)} == {"published"}
    # and it works as a current store: figures, roles, audit
    store.save_figure(PACK, "new_htx", 2024, 35, author="D")
    store.save(store.load(a), "v3", scenario_id=a)
    assert [e.action for e in store.audit_log()] == ["scenario.save", "figure.save"]
    assert ScenarioStore(path).get(a).version == 3  # opening again migrates nothing


def test_a_store_of_a_newer_release_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    ScenarioStore(path).save({"pack": PACK, "preset": "trend"}, "Một")
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    data = path.read_bytes()
    with pytest.raises(PlannerError) as info:
        ScenarioStore(path)
    assert "newer" in info.value.en and "mới hơn" in info.value.vi
    assert path.read_bytes() == data


def fill(store: ScenarioStore) -> None:
    a, _ = store.save({"pack": PACK, "preset": "trend", "levers": {"htx_new_per_year": 22}}, "Hải Dương",
                      author="Nguyễn Văn A", note="ghi chú \"trích\"")
    for i in range(3):
        store.save({"pack": PACK, "preset": "trend", "levers": {"htx_new_per_year": 23 + i}}, f"v{i + 2}",
                   scenario_id=a)
    b, _ = store.save({"pack": "vietnam-nq20", "preset": "trend"}, "Quốc gia")
    store.delete(b)
    store.save_figure(PACK, "htx", 2025, 530, source="Sở", author="B")
    store.save_figure(PACK, "htx", 2025, 531, author="C")
    store.remove_figure(PACK, "htx", 2025, author="C")
    store.save_figure(PACK, "good_fair_share", 2024, 0.1 + 0.2)
    store.set_role("lan@example.vn", "editor")
    store.set_role("minh@example.vn", "viewer")
    store.save_pack({p.name: p.read_bytes() for p in (ROOT / "data" / "hoa-binh-nq20").iterdir()}, author="D")


def test_move_sqlite_to_postgresql_and_back_keeps_every_row(tmp_path: Path, pg_cluster) -> None:
    sqlite_path = tmp_path / "city.sqlite"
    source = ScenarioStore(sqlite_path)
    fill(source)
    want = source.counts()
    assert want == {"scenarios": 2, "versions": 5, "figures": 4, "roles": 2, "audit": 13, "packs": 1}
    pg = pg_cluster.new_database()
    report = move_store(sqlite_path, pg)
    assert report.counts == want
    moved = ScenarioStore(pg)
    assert moved.backup_json() == source.backup_json()
    assert moved.audit_log() == source.audit_log() and moved.role_grants() == source.role_grants()
    assert moved.role("lan@example.vn") == "editor"
    assert moved.pack_files("hoa-binh-nq20") == source.pack_files("hoa-binh-nq20")  # the zip, byte for byte
    assert moved.stored_packs() == source.stored_packs()
    moved.save_figure(PACK, "htx", 2026, 540)  # the audit numbering continues after the copied rows
    assert moved.audit_log(limit=1)[0].id == want["audit"] + 1
    back = tmp_path / "back.sqlite"
    assert move_store(pg, back).counts == {**want, "figures": 5, "audit": want["audit"] + 1}
    assert ScenarioStore(back).backup_json() == moved.backup_json()


def test_move_refuses_a_target_that_is_not_empty(tmp_path: Path, pg_cluster) -> None:
    source = ScenarioStore(tmp_path / "a.sqlite")
    fill(source)
    pg = pg_cluster.new_database()
    ScenarioStore(pg).save({"pack": PACK, "preset": "trend"}, "Đã có")
    with pytest.raises(PlannerError) as info:
        move_store(tmp_path / "a.sqlite", pg)
    assert "not empty" in info.value.en
    assert ScenarioStore(pg).counts()["versions"] == 1


def test_the_command_line_moves_a_store(tmp_path: Path, pg_cluster, capsys) -> None:
    ScenarioStore(tmp_path / "a.sqlite").save({"pack": PACK, "preset": "trend"}, "Một")
    pg = pg_cluster.new_database()
    assert main(["store", "move", "--from", str(tmp_path / "a.sqlite"), "--to", pg]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"]["versions"] == 1 and out["counts"]["audit"] == 1
    assert main(["store", "move", "--from", str(tmp_path / "a.sqlite"), "--to", pg]) == 2
    assert "không rỗng" in capsys.readouterr().err
    assert main(["store", "grant", "an@example.vn", "admin", "--db", pg]) == 0
    assert ScenarioStore(pg).role("an@example.vn") == "admin"
    assert main(["store", "counts", "--db", "mysql://x@y/z"]) == 2


OPENER = """
import sys
from planner.store import ScenarioStore
sys.stdin.readline()
s = ScenarioStore(sys.argv[1])
print(s.save({"pack": "hai-duong-2023", "preset": "trend"}, "mở cùng lúc")[1], flush=True)
"""


def test_processes_starting_together_on_a_new_store_migrate_it_once(store_target) -> None:
    """Four app processes starting at the same moment on an empty database: one creates the schema, the
    others wait for it and find it done; every one of them saves."""
    target = store_target()
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    procs = [subprocess.Popen([sys.executable, "-c", OPENER, target], cwd=ROOT, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 4, [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["1"] * 4
    store = ScenarioStore(target)
    assert store.counts()["scenarios"] == 4
    with store.engine.connect() as conn:
        import sqlalchemy as sa

        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(migrate.HEAD,)]
