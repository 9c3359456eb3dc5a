"""Vietnamese notes: every note a user reads (preset sources, history, actual figures) has a translation
with full diacritics and the same figures, and the loader and report pick the language."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from planner.packs import DATA_DIR, load_pack, load_pack_dir, pack_ids
from planner.results import observations_frame

PACKS = pack_ids()  # every shipped pack: a new one is checked by adding its folder
# Letters that only Vietnamese writing has (lower and upper case): a note without any is not Vietnamese.
VI_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
VI_LETTERS |= {c.upper() for c in VI_LETTERS}
# Figures a translation writes differently on purpose: (pack, file, English note fragment) -> digit strings
# that need not reappear in the Vietnamese note. None so far; add here with a reason when one is needed.
FIGURE_EXCEPTIONS: dict[tuple[str, str, str], set[int]] = {}


def figures(text: str) -> set[int]:
    """The numbers of a text, separators normalised: 2,197 / 2.197 / 2 197 → 2197, 2.8 / 2,8 → 28, 06 → 6."""
    joined = re.sub(r"(?<=\d)[.,\s](?=\d)", "", text)
    return {int(run) for run in re.findall(r"\d+", joined)}


def rows(pack_id: str, name: str) -> list[dict[str, str]]:
    path = DATA_DIR / pack_id / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def noted_rows():
    """(pack, file, row) for every row of the note-carrying files that has an English note."""
    return [pytest.param(pack_id, name, row, id=f"{pack_id}/{name}:{i}")
            for pack_id in PACKS for name in ("presets.csv", "series.csv", "actuals.csv", "baseline.csv")
            for i, row in enumerate(rows(pack_id, name), start=2) if row["note"].strip()]


def test_the_note_files_are_valid_csv_with_note_vi_last():
    for pack_id in PACKS:
        for name in ("presets.csv", "series.csv", "actuals.csv", "baseline.csv"):
            path = DATA_DIR / pack_id / name
            if not path.exists():
                continue
            with path.open(encoding="utf-8", newline="") as fh:
                table = list(csv.reader(fh))
            assert table[0][-2:] == ["note", "note_vi"], path
            assert {len(r) for r in table} == {len(table[0])}, path  # no unquoted comma shifted a row


@pytest.mark.parametrize(("pack_id", "name", "row"), noted_rows())
def test_every_english_note_has_a_vietnamese_one(pack_id, name, row):
    vi = row.get("note_vi", "").strip()
    assert vi, f"{name}: no note_vi for {row['note']!r}"
    assert VI_LETTERS & set(vi), f"{name}: note_vi has no Vietnamese diacritics: {vi!r}"
    assert vi != row["note"].strip()


@pytest.mark.parametrize(("pack_id", "name", "row"), noted_rows())
def test_vietnamese_notes_keep_the_figures(pack_id, name, row):
    en, vi = row["note"], row.get("note_vi", "")
    allowed = set().union(*(v for (p, f, frag), v in FIGURE_EXCEPTIONS.items()
                            if p == pack_id and f == name and frag in en))
    missing = figures(en) - figures(vi) - allowed
    assert not missing, f"{name}: {sorted(missing)} of {en!r} missing from {vi!r}"


def test_figures_normalises_separators():
    assert figures("2,197 foundings; 2.8 % of 45,000 (06/2019)") == figures("2.197 HTX; 2,8 % của 45.000 (6/2019)")
    assert figures("2019, 2022 and 2024") == {2019, 2022, 2024}  # a list is not one number


@pytest.mark.parametrize("pack_id", PACKS)
def test_observations_carry_both_notes(pack_id):
    pack = load_pack(pack_id)
    observations = (*pack.baseline.values(), *pack.series, *pack.actuals)
    assert any(o.note for o in pack.series)
    for o in observations:
        assert bool(o.note) == bool(o.note_vi), o
        assert o.note_in("vi") == (o.note_vi or o.note)
        assert o.note_in("en") == o.note


@pytest.mark.parametrize("pack_id", PACKS)
def test_preset_note_picks_the_language(pack_id):
    pack = load_pack(pack_id)
    assert set(pack.preset_notes) == set(pack.preset_notes_vi)
    for lever_id, english in pack.preset_notes.items():
        assert pack.preset_note(lever_id, "en") == english
        vi = pack.preset_note(lever_id, "vi")
        assert vi == pack.preset_notes_vi[lever_id] and vi != english and VI_LETTERS & set(vi)
    for lever in pack.levers:
        assert pack.preset_note(lever.id, "vi") and pack.preset_note(lever.id, "en")
    assert pack.preset_note("no_such_lever", "vi") == pack.preset_note("no_such_lever", "en") == ""


def test_preset_vocabulary(hd_pack, nq_pack):
    assert hd_pack.preset_note("htx_new_per_year", "vi").startswith("Xu hướng: ")
    assert "Nhịp kế hoạch: 180 HTX" in hd_pack.preset_note("htx_new_per_year", "vi")
    assert "22,5" in hd_pack.preset_note("htx_new_per_year", "vi")
    assert "Lạc quan và Thận trọng" in hd_pack.preset_note("htx_new_growth", "vi")
    assert hd_pack.preset_note("tht_new_growth", "vi") == "Ước tính."
    assert "45.000 HTX" in nq_pack.preset_note("htx_new_per_year", "vi")


def _copy_without_note_vi(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(DATA_DIR / "hai-duong-2023", folder)
    path = folder / name
    with path.open(encoding="utf-8", newline="") as fh:
        table = [r[:-1] for r in csv.reader(fh)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    return folder


def test_note_vi_is_optional_in_presets(tmp_path):
    pack = load_pack_dir(_copy_without_note_vi(tmp_path, "presets.csv"))
    assert pack.preset_notes == load_pack("hai-duong-2023").preset_notes
    assert pack.preset_note("htx_new_per_year", "vi") == pack.preset_notes["htx_new_per_year"]


def test_an_empty_vietnamese_preset_note_falls_back_to_english(tmp_path):
    folder = tmp_path / "pack"
    shutil.copytree(DATA_DIR / "hai-duong-2023", folder)
    path = folder / "presets.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    table[1][-1] = ""
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(table)
    pack = load_pack_dir(folder)
    lever_id = table[1][0]
    assert pack.preset_note(lever_id, "vi") == pack.preset_note(lever_id, "en") == table[1][-2]


def test_note_vi_is_optional_in_series(tmp_path):
    pack = load_pack_dir(_copy_without_note_vi(tmp_path, "series.csv"))
    assert all(o.note_in("vi") == o.note for o in pack.series)


@pytest.mark.parametrize("pack_id", PACKS)
def test_chart_observations_speak_the_language(pack_id):
    pack = load_pack(pack_id)
    vi, en = observations_frame(pack, lang="vi"), observations_frame(pack, lang="en")
    assert list(en["note"]) == list(observations_frame(pack)["note"])  # English unless asked
    # Totals over several years (from_year) are no yearly point of a chart, so they are not in the frame.
    noted = [o for o in (*pack.series, *pack.actuals) if o.note and o.from_year is None]
    assert noted
    for o in noted:
        assert o.note_vi in set(vi["note"]) and o.note in set(en["note"])
        assert o.note_vi not in set(en["note"])
