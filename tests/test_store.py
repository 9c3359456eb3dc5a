"""The saved-scenario store: versions, search, soft delete, concurrency, crashes, corruption, backups."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from planner.errors import PlannerError
from planner.packs import load_pack
from planner.scenario import minimal, resolve, validate
from planner.store import ScenarioStore, default_store_path, fold

ROOT = Path(__file__).resolve().parent.parent
PACK = "hai-duong-2023"
BASE = {"pack": PACK, "preset": "trend", "levers": {"htx_new_per_year": 20}}


@pytest.fixture
def store(store_target) -> ScenarioStore:
    """A fresh store on each back-end (SQLite file, PostgreSQL database)."""
    return ScenarioStore(store_target())


def every_lever_changed() -> dict:
    """A scenario that moves every lever of the pack away from its preset, plus all run settings."""
    pack = load_pack(PACK)
    preset = pack.preset("trend")
    levers = {}
    for lever in pack.levers:
        value = lever.lo + (lever.hi - lever.lo) * 0.37
        if abs(value - preset[lever.id]) < 1e-9:
            value = lever.lo + (lever.hi - lever.lo) * 0.61
        levers[lever.id] = value
    return {"pack": PACK, "preset": "trend", "levers": levers, "uncertainty": 1.5, "draws": 321,
            "seed": 7, "window_start": pack.base_year + 1}


def test_round_trip_restores_every_lever(store: ScenarioStore) -> None:
    data = every_lever_changed()
    sid, version = store.save(data, "Mọi đòn bẩy", author="Trần Thị Hoa", note="kiểm tra")
    assert version == 1
    loaded = store.load(sid)
    assert loaded == validate(minimal(data))
    want, got = resolve(data), resolve(loaded)
    assert got.values == want.values
    assert len(got.changed) == len(load_pack(PACK).levers)
    assert got.settings == want.settings
    # the brief's small scenario too
    sid2, _ = store.save(BASE, "Nhỏ")
    assert store.load(sid2)["levers"] == {"htx_new_per_year": 20.0}


def test_each_save_is_a_new_version_and_old_ones_stay(store: ScenarioStore) -> None:
    sid, v1 = store.save(BASE, "Bản đầu", note="một")
    levels = [25, 30, 35]
    for i, n in enumerate(levels, start=2):
        got = store.save({**BASE, "levers": {"htx_new_per_year": n}}, f"Bản {i}", scenario_id=sid)
        assert got == (sid, i)
    assert v1 == 1
    assert [v.version for v in store.versions(sid)] == [1, 2, 3, 4]
    assert [v.name for v in store.versions(sid)] == ["Bản đầu", "Bản 2", "Bản 3", "Bản 4"]
    assert store.load(sid, 1)["levers"] == {"htx_new_per_year": 20.0}
    assert store.load(sid, 3)["levers"] == {"htx_new_per_year": 30.0}
    assert store.load(sid)["levers"] == {"htx_new_per_year": 35.0}
    listed = store.list()
    assert len(listed) == 1 and listed[0].version == 4 and listed[0].name == "Bản 4"
    assert store.get(sid).version == 4
    assert store.counts()["versions"] == 4


def test_text_is_stored_exactly_as_given(store: ScenarioStore) -> None:
    name = "<script>alert('x')</script> & Hải \"Dương\""
    note = "dòng 1\ndòng 2 <b>đậm</b> {{ not a template }}"
    sid, _ = store.save(BASE, name, author="  Lê  Văn  ", note=note)
    record = store.get(sid)
    assert (record.name, record.author, record.note) == (name, "  Lê  Văn  ", note)
    assert store.versions(sid)[0].note == note


@pytest.mark.parametrize("query", ["hải", "Hải Dương", "HẢI DƯƠNG", "hai duong", "HAI", "duong hai", "  hai   duong "])
def test_search_with_and_without_diacritics(store: ScenarioStore, query: str) -> None:
    hd, _ = store.save(BASE, "Kế hoạch Hải Dương")
    store.save(BASE, "Kịch bản Hà Nội", author="Đỗ Minh", note="tham khảo")
    assert [s.id for s in store.list(query)] == [hd]


def test_search_author_note_and_d_with_stroke(store: ScenarioStore) -> None:
    a, _ = store.save(BASE, "A", author="Đỗ Đức Anh")
    b, _ = store.save(BASE, "B", note="Tăng trưởng đều")
    assert [s.id for s in store.list("do duc")] == [a]
    assert [s.id for s in store.list("đức")] == [a]
    assert [s.id for s in store.list("tang truong")] == [b]
    assert [s.id for s in store.list("TĂNG")] == [b]
    assert store.list("không có") == []
    assert {s.id for s in store.list("")} == {a, b}
    assert [s.id for s in store.list(pack=PACK, query="anh")] == [a]
    assert store.list(pack="vietnam-nq20") == []
    assert fold("Đường Hải") == "duong hai"


def test_search_uses_the_latest_version(store: ScenarioStore) -> None:
    sid, _ = store.save(BASE, "Tên cũ")
    store.save(BASE, "Tên mới", scenario_id=sid)
    assert [s.id for s in store.list("moi")] == [sid]
    assert store.list("cu") == []


def test_delete_then_restore(store: ScenarioStore) -> None:
    keep, _ = store.save(BASE, "Giữ lại")
    gone, _ = store.save(BASE, "Xóa đi")
    store.save(BASE, "Xóa đi v2", scenario_id=gone)
    store.delete(gone)
    assert [s.id for s in store.list()] == [keep]
    deleted = {s.id: s for s in store.list(include_deleted=True)}
    assert deleted[gone].deleted and deleted[gone].deleted_at is not None and deleted[gone].version == 2
    assert not deleted[keep].deleted
    with pytest.raises(PlannerError):
        store.load(gone)
    with pytest.raises(PlannerError):
        store.save(BASE, "v3", scenario_id=gone)
    assert store.load(gone, include_deleted=True)["pack"] == PACK  # data is kept
    store.restore(gone)
    assert {s.id for s in store.list()} == {keep, gone}
    assert [v.version for v in store.versions(gone)] == [1, 2]
    assert store.load(gone, 1)["pack"] == PACK
    assert store.save(BASE, "v3", scenario_id=gone) == (gone, 3)


def test_eight_threads_saving_concurrently_lose_nothing(store_target) -> None:
    path = store_target()
    ScenarioStore(path)
    n_threads, per_thread = 8, 50
    barrier = threading.Barrier(n_threads)
    created: list[str] = []
    acks: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            store = ScenarioStore(path)  # like one Streamlit session each
            rng = random.Random(t)
            sid, v = store.save(BASE, f"Luồng {t}", author=f"t{t}")
            with lock:
                created.append(sid)
                acks.append((sid, v))
            barrier.wait(timeout=30)
            for i in range(1, per_thread):
                target = rng.choice(created)
                got = store.save({**BASE, "levers": {"htx_new_per_year": i}}, f"Luồng {t} lần {i}",
                                 scenario_id=target)
                with lock:
                    acks.append(got)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors
    assert len(acks) == n_threads * per_thread
    assert len(set(acks)) == n_threads * per_thread
    store = ScenarioStore(path)
    stored = {(v.scenario_id, v.version) for s in store.list() for v in store.versions(s.id)}
    assert stored == set(acks)
    for s in store.list():  # numbers are 1..n with no gaps
        assert [v.version for v in store.versions(s.id)] == list(range(1, s.version + 1))


CHILD = """
import sys
from planner.store import ScenarioStore
store = ScenarioStore(sys.argv[1])
if store.recovered_from is not None:
    print("RECOVERED", store.recovered_from, flush=True)
    sys.exit(3)
ids = [s.id for s in store.list()]
data = {"pack": "hai-duong-2023", "preset": "trend", "levers": {"htx_new_per_year": 20}}
i = 0
while True:
    i += 1
    target = ids[i % len(ids)] if ids and i % 3 else None
    sid, version = store.save(data, "Lần %d" % i, author="kill-test", note="ghi chú " * 20,
                              scenario_id=target)
    if target is None:
        ids.append(sid)
    print("ACK", sid, version, flush=True)
"""


def test_sigkill_during_saves_keeps_every_acknowledged_save(tmp_path: Path, store_target) -> None:
    path = store_target()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(12345)
    acked: set[tuple[str, int]] = set()
    ack_re = re.compile(r"ACK ([0-9a-f]{16}) (\d+)")
    rounds_with_saves = 0
    for round_ in range(10):
        stderr = (tmp_path / f"stderr-{round_}.txt").open("w")
        proc = subprocess.Popen([sys.executable, str(script), str(path)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
        watchdog = threading.Timer(20, proc.kill)
        watchdog.start()
        lines = []
        try:
            if round_ % 4 == 3:  # sometimes kill at a random moment, possibly during start-up
                threading.Event().wait(rng.uniform(0.0, 0.4))
            else:  # else after a random number of acknowledged saves, plus a random delay
                for _ in range(rng.randint(1, 12)):
                    line = proc.stdout.readline()
                    if not line:
                        break
                    lines.append(line)
                threading.Event().wait(rng.uniform(0.0, 0.02))
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            lines.extend(proc.stdout.read().splitlines(keepends=True))
        finally:
            watchdog.cancel()
            proc.stdout.close()
            stderr.close()
        assert proc.returncode == -signal.SIGKILL, (tmp_path / f"stderr-{round_}.txt").read_text()
        got = {(m[1], int(m[2])) for line in lines if line.endswith("\n") and (m := ack_re.fullmatch(line.strip()))}
        assert not any(line.startswith("RECOVERED") for line in lines)
        rounds_with_saves += bool(got)
        acked |= got
    assert rounds_with_saves >= 5 and len(acked) >= 20

    if "://" not in path:
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.close()
    store = ScenarioStore(path)
    assert store.recovered_from is None
    assert not list(tmp_path.glob("*.corrupt-*"))
    stored = {(v.scenario_id, v.version) for s in store.list() for v in store.versions(s.id)}
    assert acked <= stored
    for sid, version in sorted(acked)[:20]:
        assert store.load(sid, version)["pack"] == PACK


@pytest.mark.parametrize("header", [b"", b"SQLite format 3\x00"])
def test_corrupt_file_is_moved_aside_and_a_fresh_store_works(tmp_path: Path, header: bytes) -> None:
    path = tmp_path / "scenarios.sqlite"
    junk = header + random.Random(1).randbytes(16384)
    wal = random.Random(2).randbytes(4096)
    path.write_bytes(junk)
    Path(f"{path}-wal").write_bytes(wal)
    store = ScenarioStore(path)
    moved = store.recovered_from
    assert moved is not None and moved != path
    assert moved.name.startswith("scenarios.sqlite.corrupt-")
    assert moved.read_bytes() == junk  # kept, never deleted
    assert Path(f"{moved}-wal").read_bytes() == wal
    sid, version = store.save(BASE, "Sau khi phục hồi")
    assert store.load(sid, version)["levers"] == {"htx_new_per_year": 20.0}
    again = ScenarioStore(path)
    assert again.recovered_from is None and [s.id for s in again.list()] == [sid]


def test_healthy_store_is_not_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "ok.sqlite"
    sid, _ = ScenarioStore(path).save(BASE, "Một")
    reopened = ScenarioStore(path)
    assert reopened.recovered_from is None
    assert not list(tmp_path.glob("*.corrupt-*"))
    assert reopened.get(sid).name == "Một"


def fill(store: ScenarioStore) -> None:
    a, _ = store.save(BASE, "Hải Dương <i>nhanh</i>", author="Nguyễn Văn A", note="ghi chú\n\"trích\"")
    store.save({**BASE, "levers": {"htx_new_per_year": 40}}, "Hải Dương v2", scenario_id=a)
    b, _ = store.save(every_lever_changed(), "Đủ đòn bẩy")
    store.delete(b)
    store.save({"pack": PACK, "preset": "optimistic", "levers": {}}, "Lạc quan")


def test_backup_restore_round_trip_is_exact_and_idempotent(store_target) -> None:
    original = ScenarioStore(store_target())
    fill(original)
    backup = original.backup_json()
    doc = json.loads(backup)
    assert len(doc["scenarios"]) == 3 and sum(len(s["versions"]) for s in doc["scenarios"]) == 4
    assert sum(s["deleted_at"] is not None for s in doc["scenarios"]) == 1

    fresh = ScenarioStore(store_target())
    report = fresh.restore_json(backup)
    assert (report.scenarios_added, report.versions_added, report.versions_skipped) == (3, 4, 0)
    assert fresh.backup_json() == backup
    again = fresh.restore_json(backup)
    assert (again.scenarios_added, again.versions_added, again.versions_skipped, again.conflicts) == (0, 0, 4, 0)
    assert fresh.backup_json() == backup
    assert [s.name for s in fresh.list("hai duong")] == ["Hải Dương v2"]
    deleted = [s for s in fresh.list(include_deleted=True) if s.deleted]
    assert len(deleted) == 1 and fresh.load(deleted[0].id, include_deleted=True) == original.load(
        deleted[0].id, include_deleted=True)

    # into an existing store: its own scenarios stay, nothing is duplicated
    other = ScenarioStore(store_target())
    mine, _ = other.save(BASE, "Của tôi")
    other.restore_json(backup)
    other.restore_json(backup)
    assert len(other.list(include_deleted=True)) == 4
    assert other.get(mine).name == "Của tôi"
    assert sum(len(other.versions(s.id)) for s in other.list(include_deleted=True)) == 5


def test_restore_adds_only_missing_versions(store_target) -> None:
    a = ScenarioStore(store_target())
    sid, _ = a.save(BASE, "v1")
    early = a.backup_json()
    a.save(BASE, "v2", scenario_id=sid)
    late = a.backup_json()
    b = ScenarioStore(store_target())
    b.restore_json(early)
    report = b.restore_json(late)
    assert (report.versions_added, report.versions_skipped) == (1, 1)
    assert b.backup_json() == late


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLANNER_DB", str(tmp_path / "env" / "x.sqlite"))
    assert default_store_path() == tmp_path / "env" / "x.sqlite"
    store = ScenarioStore()
    assert store.path == tmp_path / "env" / "x.sqlite" and store.path.exists()
    monkeypatch.delenv("PLANNER_DB")
    assert default_store_path() == ROOT / "var" / "scenarios.sqlite"


def bad_calls(store: ScenarioStore, sid: str) -> dict:
    backup = json.loads(store.backup_json())
    dup_version = json.loads(json.dumps(backup))
    dup_version["scenarios"][0]["versions"].append(dup_version["scenarios"][0]["versions"][0])
    bad_json_text = json.loads(json.dumps(backup))
    bad_json_text["scenarios"][0]["versions"][0]["scenario"] = "{not json"
    bad_id = json.loads(json.dumps(backup))
    bad_id["scenarios"][0]["id"] = "../../etc"
    missing = json.loads(json.dumps(backup))
    del missing["scenarios"][0]["created_at"]
    return {
        "empty name": lambda: store.save(BASE, ""),
        "blank name": lambda: store.save(BASE, "   "),
        "long name": lambda: store.save(BASE, "x" * 201),
        "name not text": lambda: store.save(BASE, 42),
        "long note": lambda: store.save(BASE, "ok", note="n" * 2001),
        "bad scenario": lambda: store.save({**BASE, "levers": {"no_such_lever": 1}}, "ok"),
        "out of range": lambda: store.save({**BASE, "levers": {"htx_new_per_year": -5}}, "ok"),
        "other pack": lambda: store.save({"pack": "vietnam-nq20", "preset": "trend"}, "ok", scenario_id=sid),
        "unknown id save": lambda: store.save(BASE, "ok", scenario_id="0123456789abcdef"),
        "unknown id load": lambda: store.load("0123456789abcdef"),
        "odd id load": lambda: store.load("'; DROP TABLE versions; --"),
        "unknown version": lambda: store.load(sid, 99),
        "version zero": lambda: store.load(sid, 0),
        "version bool": lambda: store.load(sid, True),
        "unknown id delete": lambda: store.delete("0123456789abcdef"),
        "unknown id restore": lambda: store.restore("0123456789abcdef"),
        "unknown id versions": lambda: store.versions("0123456789abcdef"),
        "backup not json": lambda: store.restore_json("not json"),
        "backup a list": lambda: store.restore_json("[]"),
        "backup other format": lambda: store.restore_json('{"format": "x", "scenarios": []}'),
        "backup not text": lambda: store.restore_json(None),
        "backup duplicate version": lambda: store.restore_json(json.dumps(dup_version)),
        "backup bad scenario text": lambda: store.restore_json(json.dumps(bad_json_text)),
        "backup bad id": lambda: store.restore_json(json.dumps(bad_id)),
        "backup missing field": lambda: store.restore_json(json.dumps(missing)),
        "backup deep nesting": lambda: store.restore_json("[" * 100_000 + "]" * 100_000),
    }


def test_bad_inputs_raise_planner_error(store: ScenarioStore) -> None:
    sid, _ = store.save(BASE, "Gốc")
    before = store.backup_json()
    for label, call in bad_calls(store, sid).items():
        with pytest.raises(PlannerError) as info:
            call()
        assert info.value.vi and info.value.en and info.value.vi != info.value.en, label
    assert store.backup_json() == before  # nothing bad was written


TWO_PROCESS_CHILD = """
import sys
from planner.store import ScenarioStore
store = ScenarioStore(sys.argv[1])
tag, shared = sys.argv[2], sys.argv[3]
data = {"pack": "hai-duong-2023", "preset": "trend", "levers": {"htx_new_per_year": 20}}
print("READY", flush=True)
sys.stdin.readline()  # both start together
for i in range(200):
    if i % 2:
        sid, version = store.save(data, "%s %d" % (tag, i), author=tag, scenario_id=shared)
    else:
        sid, version = store.save(data, "%s %d" % (tag, i), author=tag)
    store.save_figure("hai-duong-2023", "new_htx", 2024, i, author=tag)
    print("ACK", sid, version, flush=True)
"""


def test_two_processes_saving_at_once_lose_nothing(tmp_path: Path, store_target) -> None:
    """2 processes × 200 saves on one store (half of them versions of one shared scenario, each with a
    figure correction): every acknowledged save is there, version numbers run 1..n without a gap."""
    target = store_target()
    shared, _ = ScenarioStore(target).save(BASE, "Chung")
    script = tmp_path / "two.py"
    script.write_text(TWO_PROCESS_CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), target, tag, shared], cwd=ROOT, env=env, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for tag in ("A", "B")]
    for proc in procs:
        assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, outs, strict=True):
        assert proc.returncode == 0, err
    acks = {(m[1], int(m[2])) for out, _ in outs for m in re.finditer(r"ACK ([0-9a-f]{16}) (\d+)", out)}
    assert len(acks) == 400
    store = ScenarioStore(target)
    stored = {(v.scenario_id, v.version) for s in store.list() for v in store.versions(s.id)}
    assert acks <= stored and len(stored) == 401
    assert [v.version for v in store.versions(shared)] == list(range(1, 202))
    assert [f.version for f in store.figure_history(PACK, "new_htx", 2024)] == list(range(1, 401))


def test_an_unreachable_database_is_a_plain_message_and_the_log_names_it_without_the_password(caplog) -> None:
    import logging
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://planner:s3cret-pass@127.0.0.1:{port}/planner"
    with caplog.at_level(logging.INFO, logger="planner.store"), pytest.raises(PlannerError) as info:
        ScenarioStore(url)
    assert "s3cret" not in info.value.vi + info.value.en + info.value.where
    assert "cannot read or write the scenario store" in info.value.en and "***" in info.value.where
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "open failed" in logged and f"127.0.0.1:{port}" in logged and "OperationalError" in logged
    assert "s3cret" not in logged


def test_only_sqlite_and_postgresql_urls_are_taken() -> None:
    for bad in ("mysql://u@h/db", "sqlite://", "sqlite:///:memory:", ":memory:", "post gres://x"):
        with pytest.raises(PlannerError):
            ScenarioStore(bad)
