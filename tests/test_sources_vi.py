"""Sources in Vietnamese: a pack source with English words has a ``source_vi`` (right after ``source``),
the loader reads it (optional, falling back to ``source``), and the Data page, chart tooltips and reports
show it in Vietnamese mode."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from planner.packs import DATA_DIR, load_pack, load_pack_dir, pack_ids
from planner.report.content import actual_rows, baseline_rows
from planner.results import compute, observations_frame
from planner.scenario import new_scenario
from tests.apptest import open_app
from tests.test_notes_vi import VI_LETTERS, figures

FILES = ("series.csv", "actuals.csv", "baseline.csv")
# Words of English prose in a source (a site's name such as "freshplaza.com" is not prose).
ENGLISH = re.compile(r"\b(via|of|the|bulletin|edition|quoted|quoting|article|report|figure|members|million|"
                     r"population|likely|estimate|project|about|over|for|by|in)\b", re.IGNORECASE)


def rows(pack_id: str, name: str) -> list[dict[str, str]]:
    path = DATA_DIR / pack_id / name
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def sourced_rows():
    return [pytest.param(pack_id, name, row, id=f"{pack_id}/{name}:{i}")
            for pack_id in pack_ids() for name in FILES
            for i, row in enumerate(rows(pack_id, name), start=2) if ENGLISH.search(row["source"])]


def test_source_vi_comes_right_after_source():
    for pack_id in pack_ids():
        for name in FILES:
            path = DATA_DIR / pack_id / name
            if path.exists():
                with path.open(encoding="utf-8", newline="") as fh:
                    head = next(csv.reader(fh))
                assert head[head.index("source") + 1] == "source_vi", path


@pytest.mark.parametrize(("pack_id", "name", "row"), sourced_rows())
def test_a_source_with_english_words_has_a_vietnamese_one(pack_id, name, row):
    vi = row["source_vi"].strip()
    assert vi and set(vi) & VI_LETTERS, row["source"]
    assert not ENGLISH.search(vi.replace("baohoabinh.vn", "")), vi
    assert figures(vi) == figures(row["source"]), (row["source"], vi)  # the same dates and numbers


def test_the_loader_reads_source_vi_and_falls_back_to_source(tmp_path):
    pack = load_pack("hai-duong-2023")
    bulletin = next(o for o in pack.series if o.indicator == "new_htx" and o.year == 2021)
    assert bulletin.source_in("en") == "haiduongdost.gov.vn bulletin 01/2023"
    assert bulletin.source_in("vi") == "Bản tin haiduongdost.gov.vn số 01/2023"
    plain = next(o for o in pack.series if o.source == "asemconnectvietnam.gov.vn")
    assert plain.source_vi == "" and plain.source_in("vi") == "asemconnectvietnam.gov.vn"
    # A pack written before the column existed still loads, its sources as written.
    folder = tmp_path / "old"
    shutil.copytree(DATA_DIR / "hai-duong-2023", folder)
    for name in FILES:
        path = folder / name
        with path.open(encoding="utf-8", newline="") as fh:
            table = list(csv.reader(fh))
        i = table[0].index("source_vi")
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows([r[:i] + r[i + 1:] for r in table])
    old = load_pack_dir(folder)
    again = next(o for o in old.series if o.indicator == "new_htx" and o.year == 2021)
    assert again.source_in("vi") == "haiduongdost.gov.vn bulletin 01/2023"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_chart_tooltips_and_reports_carry_the_source_in_the_language(lang):
    pack = load_pack("hai-duong-2023")
    sources = set(observations_frame(pack, (), lang)["source"])
    vi, en = "Bản tin haiduongdost.gov.vn số 01/2023", "haiduongdost.gov.vn bulletin 01/2023"
    assert (vi if lang == "vi" else en) in sources and (en if lang == "vi" else vi) not in sources
    national = load_pack("vietnam-nq20")
    table = {r.source for r in baseline_rows(national, lang)}
    assert not any("Ministry" in s or "via " in s for s in table) if lang == "vi" else any("via " in s for s in table)
    hd_rows = {r.source for r in baseline_rows(pack, lang)}
    assert ("Ước tính của dự án" in hd_rows) if lang == "vi" else ("Estimate of the project" in hd_rows)
    used = {r.source for r in actual_rows(compute(new_scenario("vietnam-nq20")), lang)}
    assert not any(ENGLISH.search(s) for s in used) if lang == "vi" else used


def test_the_data_page_shows_vietnamese_sources(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "scenarios.sqlite", "pages/data.py")
    shown = {s for t in (*at.main.dataframe, *at.main.table) if "Nguồn" in t.value for s in t.value["Nguồn"]}
    assert "Bản tin haiduongdost.gov.vn số 01/2023" in shown, shown
    assert not any("bulletin" in s for s in shown), shown
