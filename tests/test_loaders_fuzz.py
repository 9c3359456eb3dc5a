"""Every loader a user can feed: any input gives valid data or the project's own error, never another one.

(The actual-figures reader, scenario files and links have their own property tests beside them.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.packs import DATA_DIR, load_pack_dir
from planner.store import ScenarioStore

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> ScenarioStore:
    return ScenarioStore(tmp_path_factory.mktemp("fuzz") / "s.sqlite")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
backup_like = st.fixed_dictionaries(
    {"format": st.sampled_from(["ktt-planner-backup", "x", 1]), "version": st.sampled_from([1, 2, "1"]),
     "scenarios": st.lists(st.dictionaries(
         st.sampled_from(["id", "pack", "created_at", "deleted_at", "versions", "name", "extra"]), json_values,
         max_size=6), max_size=3)})


@FUZZ
@given(st.one_of(st.text(max_size=300), json_values.map(json.dumps), backup_like.map(json.dumps)))
def test_any_backup_text_is_restored_or_rejected_cleanly(store, text):
    before = store.backup_json()
    try:
        store.restore_json(text)
    except PlannerError as exc:
        assert exc.message("vi") and exc.message("en")
        assert store.backup_json() == before  # a rejected backup writes nothing


PACK_FILES = ("targets.csv", "baseline.csv", "presets.csv", "series.csv", "pack.toml")
cells = st.one_of(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
                  st.sampled_from(["", "nan", "inf", "1e309", "-1", "0,5", "fit", "true", "htx", "ge", "new"]))


@FUZZ
@given(file=st.sampled_from(PACK_FILES), row=st.integers(0, 12), column=st.integers(0, 10), value=cells)
def test_a_pack_edited_in_excel_loads_or_names_the_problem(tmp_path_factory, file, row, column, value):
    folder = tmp_path_factory.mktemp("pack") / "hai-duong-2023"
    shutil.copytree(DATA_DIR / "hai-duong-2023", folder)
    lines = (folder / file).read_text(encoding="utf-8").splitlines()
    if row < len(lines):
        parts = lines[row].split(",")
        parts[min(column, len(parts) - 1)] = value.replace("\n", " ").replace("\r", " ")
        lines[row] = ",".join(parts)
    (folder / file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        pack = load_pack_dir(folder)
    except PlannerError as exc:
        assert exc.message("vi") and exc.message("en")
        return
    assert pack.targets and pack.presets  # whatever loaded is complete enough to run


def test_a_pack_file_that_is_not_utf8_is_named(tmp_path: Path):
    folder = tmp_path / "hai-duong-2023"
    shutil.copytree(DATA_DIR / "hai-duong-2023", folder)
    (folder / "targets.csv").write_bytes("id,năm\n".encode("cp1258") + b"\xff\xfe\x00")
    with pytest.raises(PlannerError) as info:
        load_pack_dir(folder)
    assert "targets.csv" in info.value.message("vi")
