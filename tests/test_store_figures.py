"""Stored actual figures: versions, removal marks, restores, import/export, backups, concurrency."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from planner.actuals import read_actuals
from planner.errors import PlannerError
from planner.packs import Observation, load_pack
from planner.store import ScenarioStore

PACK = "hai-duong-2023"


@pytest.fixture
def store(store_target) -> ScenarioStore:
    return ScenarioStore(store_target())


def test_a_correction_is_a_new_version_and_the_old_one_stays(store: ScenarioStore) -> None:
    first = store.save_figure(PACK, "htx", 2025, 530, source="Sở Tài chính", note="đầu năm", author="Hoa")
    assert (first.version, first.value, first.author, first.removed) == (1, 530.0, "Hoa", False)
    second = store.save_figure(PACK, "htx", 2025, 571, source="Liên minh HTX", author="Minh")
    assert second.version == 2
    [now] = store.figures(PACK)
    assert (now.indicator, now.year, now.value, now.source, now.author) == ("htx", 2025, 571.0, "Liên minh HTX", "Minh")
    history = store.figure_history(PACK, "htx", 2025)
    assert [(f.version, f.value, f.source, f.note, f.author) for f in history] == [
        (1, 530.0, "Sở Tài chính", "đầu năm", "Hoa"), (2, 571.0, "Liên minh HTX", "", "Minh")]
    assert history[0].saved_at <= history[1].saved_at


def test_removal_is_a_mark_and_restore_brings_the_figure_back(store: ScenarioStore) -> None:
    store.save_figure(PACK, "htx", 2024, 520, source="a")
    store.save_figure(PACK, "htx", 2024, 525, source="b")
    store.save_figure(PACK, "new_htx", 2024, 35)
    mark = store.remove_figure(PACK, "htx", 2024, author="Lan")
    assert (mark.version, mark.removed, mark.value, mark.author) == (3, True, 525.0, "Lan")
    assert [(f.indicator, f.year) for f in store.figures(PACK)] == [("new_htx", 2024)]
    assert [f.removed for f in store.figures(PACK, include_removed=True) if f.indicator == "htx"] == [True]
    with pytest.raises(PlannerError):
        store.remove_figure(PACK, "htx", 2024)  # already removed
    back = store.restore_figure(PACK, "htx", 2024, author="Lan")
    assert (back.version, back.value, back.source, back.removed) == (4, 525.0, "b", False)
    older = store.restore_figure(PACK, "htx", 2024, version=1, author="Tuấn")
    assert (older.version, older.value, older.source) == (5, 520.0, "a")
    assert [f.version for f in store.figure_history(PACK, "htx", 2024)] == [1, 2, 3, 4, 5]
    assert store.figure_observations(PACK) == (
        Observation("htx", 2024, 520.0, source="a", estimate=False),
        Observation("new_htx", 2024, 35.0, estimate=False))


def test_packs_are_kept_apart_and_order_follows_the_registry(store: ScenarioStore) -> None:
    store.save_figure(PACK, "good_fair_share", 2025, 0.6)
    store.save_figure(PACK, "htx", 2025, 530)
    store.save_figure(PACK, "htx", 2023, 524)
    store.save_figure("vietnam-nq20", "htx", 2025, 35041)
    assert [(f.indicator, f.year) for f in store.figures(PACK)] == [
        ("htx", 2023), ("htx", 2025), ("good_fair_share", 2025)]
    assert [f.value for f in store.figures("vietnam-nq20")] == [35041.0]
    assert store.figures("nowhere") == []


def bad_figure_calls(store: ScenarioStore) -> dict:
    return {
        "unknown indicator": lambda: store.save_figure(PACK, "no_such", 2025, 1),
        "year before base": lambda: store.save_figure(PACK, "htx", 1999, 1),
        "year after horizon": lambda: store.save_figure(PACK, "htx", 2099, 1),
        "year text": lambda: store.save_figure(PACK, "htx", "2025", 1),
        "negative count": lambda: store.save_figure(PACK, "htx", 2025, -1),
        "fractional count": lambda: store.save_figure(PACK, "htx", 2025, 1.5),
        "share above one": lambda: store.save_figure(PACK, "good_fair_share", 2025, 58),
        "nan": lambda: store.save_figure(PACK, "htx", 2025, float("nan")),
        "value text": lambda: store.save_figure(PACK, "htx", 2025, "530"),
        "long source": lambda: store.save_figure(PACK, "htx", 2025, 1, source="s" * 501),
        "long note": lambda: store.save_figure(PACK, "htx", 2025, 1, note="n" * 2001),
        "unknown pack": lambda: store.save_figure("no-such-pack", "htx", 2025, 1),
        "bad pack id": lambda: store.figures("../etc"),
        "remove missing": lambda: store.remove_figure(PACK, "htx", 2026),
        "restore missing version": lambda: store.restore_figure(PACK, "htx", 2025, version=9),
        "restore nothing": lambda: store.restore_figure(PACK, "tht", 2025),
        "import a bad row": lambda: store.import_figures(PACK, [Observation("htx", 2025, 1),
                                                                Observation("htx", 2025, -3)]),
    }


def test_bad_figures_are_refused_and_nothing_is_written(store: ScenarioStore) -> None:
    store.save_figure(PACK, "htx", 2025, 530)
    before = store.backup_json()
    for label, call in bad_figure_calls(store).items():
        with pytest.raises(PlannerError) as info:
            call()
        assert info.value.vi and info.value.en and info.value.vi != info.value.en, label
    assert store.backup_json() == before


def test_import_and_export_round_trip_through_the_actuals_csv(store: ScenarioStore) -> None:
    pack = load_pack(PACK)
    observed = read_actuals((Path("data") / PACK / "actuals.csv").read_bytes(), "actuals.csv", pack).observations
    report = store.import_figures(PACK, observed, author="Phòng KT")
    assert (report.added, report.corrected, report.unchanged) == (len(observed), 0, 0)
    again = store.import_figures(PACK, observed, author="Phòng KT")
    assert (again.added, again.corrected, again.unchanged) == (0, 0, len(observed))
    exported = store.figures_csv(PACK)
    back = read_actuals(exported, "x.csv", pack).observations
    key = lambda o: (o.indicator, o.year, o.value, o.source, o.note, o.basis)  # noqa: E731
    assert sorted(map(key, back)) == sorted(map(key, observed))
    assert {o.basis for o in back} == {"published", "other_definition"}  # what each figure is, kept
    # a changed file corrects only the changed figures, each as a new version
    changed = [Observation(o.indicator, o.year, o.value + 1 if o.indicator == "htx" else o.value,
                           source=o.source, note=o.note, basis=o.basis) for o in observed]
    third = store.import_figures(PACK, changed, author="Phòng KT")
    htx_rows = sum(o.indicator == "htx" for o in observed)
    assert (third.added, third.corrected, third.unchanged) == (0, htx_rows, len(observed) - htx_rows)
    assert [f.value for f in store.figure_history(PACK, "htx", 2023)] == [524.0, 525.0]


def test_backup_carries_the_figures_with_every_version_exactly(store_target) -> None:
    a = ScenarioStore(store_target())
    a.save({"pack": PACK, "preset": "trend"}, "Một")
    a.save_figure(PACK, "htx", 2025, 530, source="nguồn \"trích\"", note="dòng 1\ndòng 2", author="Hoa")
    a.save_figure(PACK, "htx", 2025, 531)
    a.remove_figure(PACK, "htx", 2025)
    a.save_figure(PACK, "good_fair_share", 2024, 0.1 + 0.2)  # a float that must round-trip bit for bit
    backup = a.backup_json()
    assert len(json.loads(backup)["figures"]) == 4
    b = ScenarioStore(store_target())
    report = b.restore_json(backup)
    assert (report.figures_added, report.figures_skipped, report.conflicts) == (4, 0, 0)
    assert b.backup_json() == backup
    assert b.figure_history(PACK, "htx", 2025) == a.figure_history(PACK, "htx", 2025)
    assert b.figures(PACK)[0].value == 0.1 + 0.2
    again = b.restore_json(backup)
    assert (again.figures_added, again.figures_skipped) == (0, 4)
    assert b.backup_json() == backup


def test_a_backup_of_the_first_format_still_restores(store_target) -> None:
    a = ScenarioStore(store_target())
    a.save({"pack": PACK, "preset": "trend"}, "Một")
    doc = json.loads(a.backup_json())
    doc["format_version"] = 1
    del doc["figures"]
    b = ScenarioStore(store_target())
    assert b.restore_json(json.dumps(doc)).scenarios_added == 1


def test_concurrent_corrections_each_get_their_own_version(store_target) -> None:
    path = store_target()
    ScenarioStore(path)
    n, per = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(n)

    def work(t: int) -> None:
        try:
            s = ScenarioStore(path)
            barrier.wait(timeout=30)
            for i in range(per):
                s.save_figure(PACK, "htx", 2025, 500 + t * 100 + i, author=f"t{t}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors
    history = ScenarioStore(path).figure_history(PACK, "htx", 2025)
    assert [f.version for f in history] == list(range(1, n * per + 1))
    assert sorted(f.value for f in history) == sorted(500.0 + t * 100 + i for t in range(n) for i in range(per))


def test_figures_survive_a_reopen_and_a_file_of_the_first_schema_gains_them(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)  # the schema of the first release, with one saved scenario
    con.executescript("""
        CREATE TABLE scenarios (id TEXT PRIMARY KEY, pack TEXT NOT NULL, created_at TEXT NOT NULL, deleted_at TEXT);
        CREATE TABLE versions (scenario_id TEXT NOT NULL REFERENCES scenarios(id), version INTEGER NOT NULL
            CHECK (version >= 1), name TEXT NOT NULL, author TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
            scenario_json TEXT NOT NULL, saved_at TEXT NOT NULL, search TEXT NOT NULL, PRIMARY KEY (scenario_id, version));
        INSERT INTO scenarios VALUES ('00112233aabbccdd', 'hai-duong-2023', '2026-01-01T00:00:00+00:00', NULL);
        INSERT INTO versions VALUES ('00112233aabbccdd', 1, 'Cũ', '', '', '{"pack": "hai-duong-2023", "preset": "trend"}',
            '2026-01-01T00:00:00+00:00', 'cu');
        PRAGMA user_version = 1;
    """)
    con.close()
    store = ScenarioStore(path)
    assert store.recovered_from is None and [s.name for s in store.list()] == ["Cũ"]
    store.save_figure(PACK, "htx", 2025, 530)
    assert [f.value for f in ScenarioStore(path).figures(PACK)] == [530.0]


def test_a_stored_figure_keeps_what_it_is(store_target) -> None:
    """The basis of a typed or uploaded figure survives storing, the figures in force, a backup (an older
    backup without it reads as published) and the workbook export; an unknown basis is refused."""
    a = ScenarioStore(store_target())
    a.save_figure(PACK, "htx", 2025, 530, source="Sở", basis="estimate")
    a.import_figures(PACK, [Observation("new_htx", 2025, 4, basis="part_year")])
    got = {o.indicator: o for o in a.figure_observations(PACK)}
    assert (got["htx"].basis, got["htx"].estimate, got["htx"].use) == ("estimate", True, True)
    assert (got["new_htx"].basis, got["new_htx"].use) == ("part_year", False)  # kept, not used, as in a pack
    # the same figure with another basis is a correction, not "unchanged"
    again = a.import_figures(PACK, [Observation("new_htx", 2025, 4, basis="published")])
    assert (again.corrected, again.unchanged) == (1, 0)
    with pytest.raises(PlannerError):
        a.save_figure(PACK, "htx", 2026, 540, basis="guess")
    backup = a.backup_json()
    b = ScenarioStore(store_target())
    b.restore_json(backup)
    assert [(f.basis, f.version) for f in b.figure_history(PACK, "new_htx", 2025)] == [("part_year", 1), ("published", 2)]
    old = json.loads(backup)
    for f in old["figures"]:
        del f["basis"]
    c = ScenarioStore(store_target())
    c.restore_json(json.dumps(old))
    assert {f.basis for f in c.figures(PACK)} == {"published"}
    back = read_actuals(a.figures_xlsx(PACK), "x.xlsx", load_pack(PACK)).observations
    assert {o.indicator: o.basis for o in back} == {"htx": "estimate", "new_htx": "published"}
