"""Plan packs written outside the code: the format's checks, new target kinds, targets with no
projection, ``pack new`` / ``pack validate``, PLANNER_PACKS, uploads, and hostile packs refused cleanly."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pytest

from planner.assess import assess, goal_seek, target_values, tornado
from planner.cli import main
from planner.errors import PlannerError
from planner.model import Settings, project
from planner.packs import DATA_DIR, load_pack, load_pack_dir, pack_ids
from planner.packs.archive import MAX_ENTRIES, new_pack, read_upload
from planner.packs.read import MAX_TARGETS, PackError
from planner.registry import KIND_READS, RULES, TARGET_KINDS, pace
from planner.text import result_summary
from tests.conftest import ALL_PACKS

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(draws=400)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]], fields: list[str] | None = None) -> None:
    fields = fields or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def add_target(folder: Path, **row: str) -> None:
    rows = read_rows(folder / "targets.csv")
    fields = list(rows[0]) + [k for k in row if k not in rows[0]]
    write_rows(folder / "targets.csv", [*rows, row], fields)


@pytest.fixture
def copy_of(tmp_path):
    """A fresh copy of a shipped pack made by ``pack new`` (the way a department starts)."""
    def make(source: str, name: str = "my-plan") -> Path:
        return new_pack(tmp_path / name, source)
    return make


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_pack_dir(folder)
    return caught.value.lines("en")


# --- Every shipped pack --------------------------------------------------------------------------------

def test_the_shipped_packs_include_a_third_real_plan():
    assert set(ALL_PACKS) >= {"hai-duong-2023", "vietnam-nq20", "hoa-binh-nq20"}
    assert ALL_PACKS[0] == "hai-duong-2023"  # the default first


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_every_pack_validates_and_carries_its_own_words(capsys, pack_id):
    code, out, err = run(capsys, "pack", "validate", str(DATA_DIR / pack_id), "--lang", "en")
    assert code == 0 and err == "" and f"valid plan pack ({pack_id}" in out
    pack = load_pack(pack_id)
    # Its prose in both languages, its name and area note: nothing about the plan is left to the code.
    assert pack.notes_in("vi") and pack.notes_in("en") and pack.notes["vi"] != pack.notes["en"]
    assert pack.name("vi") and pack.name("en") and pack.text("area_note", "vi") and pack.text("area_note", "en")


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_cli_json_lists_every_target_with_modelled_and_nulls(capsys, pack_id):
    code, out, _ = run(capsys, "assess", "--pack", pack_id, "--format", "json", "--draws", "300")
    assert code == 0
    data = json.loads(out)
    pack = load_pack(pack_id)
    assert [t["id"] for t in data["targets"]] == list(pack.target_ids)
    for row, target in zip(data["targets"], pack.targets, strict=True):
        # The contract's keys are all there, plus "modelled".
        assert {"id", "year", "rule", "threshold", "tolerance", "deterministic", "p10", "p50", "p90",
                "probability", "likelihood", "pace_ratio", "status", "modelled"} <= set(row)
        assert row["modelled"] is target.modelled
        if not target.modelled:
            assert [row[k] for k in ("deterministic", "p10", "p50", "p90", "probability")] == [None] * 5


def test_no_plan_is_named_in_the_code():
    """The plans' own words live in their packs: no text the shell shows names one of them (docstrings and
    comments may quote a plan as an example; they are never shown)."""
    import ast

    words = ("3413", "Hải Phòng", "Hòa Bình", "Phú Thọ", "NQ20", "Hải Dương")
    found = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("planner/**/*.py"), ROOT / "app.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and any(w in node.value for w in words):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:80]}")
    assert not found, "\n".join(found)


# --- Hòa Bình: the third plan, written through the documented format alone --------------------------

def test_hoa_binh_trend_is_fitted_to_foundings_and_dissolutions():
    pack = load_pack("hoa-binh-nq20")
    assert pack.base_year == 2024 and pack.window_start == 2025
    fit = pack.fits["htx"]
    # Stocks 2022 and 2024, foundings 2015–2020 (a total), 2022, 2023, 2024, dissolutions 2015–2020, 2024.
    assert fit.points == 8 and "2015–2020" in fit.periods
    assert set(fit.indicators) == {"htx", "new_htx", "dissolved_htx"}
    trend = pack.preset("trend")
    for lever_id, value in fit.lever_values().items():
        assert trend[lever_id] == value
    # The fit reproduces the recent record: the 2024 stock within 3 %, each recent year's foundings within 20 %.
    by = dict(zip(zip(fit.indicators, fit.periods, strict=True), zip(fit.observed, fit.fitted, strict=True),
                  strict=True))
    observed, fitted = by[("htx", "2024")]
    assert fitted == pytest.approx(observed, rel=0.03)
    for year in ("2022", "2023", "2024"):
        observed, fitted = by[("new_htx", year)]
        assert fitted == pytest.approx(observed, rel=0.2)
    assert 50 <= fit.new_per_year <= 80 and 0 <= fit.dissolution_rate <= 0.05


def test_hoa_binh_lists_every_target_and_projects_only_what_it_can():
    pack = load_pack("hoa-binh-nq20")
    assert len(pack.targets) == 14
    projected = {t.id for t in pack.targets if t.modelled}
    assert projected == {"htx_2030", "tht_2030", "effective_2030", "effective_2045"}
    kinds = {t.kind for t in pack.targets}
    assert {"stock", "share", "growth"} <= kinds
    assert pack.target("weak_2030").rule == "lt"
    for t in pack.targets:
        if not t.modelled:
            assert "no projection" in t.reason("en") and "không dự báo" in t.reason("vi")
    # The plan-pace preset is built to just meet the stock targets on the central path.
    rows = {r.id: r for r in assess(pack, pack.preset("plan-pace"), SETTINGS)}
    assert rows["htx_2030"].deterministic == pytest.approx(730, rel=0.01)
    assert rows["tht_2030"].deterministic == pytest.approx(320, rel=0.01)
    assert rows["effective_2030"].deterministic == pytest.approx(0.85, abs=0.005)


def test_a_target_with_no_projection_says_so_in_every_shell(capsys):
    pack = load_pack("hoa-binh-nq20")
    rows = {r.id: r for r in assess(pack, pack.preset("trend"), SETTINGS)}
    cells = result_summary(pack, rows["members_2030"], "en")
    assert cells["projected"] == cells["probability"] == "–"
    assert "no projection" in cells["likelihood"] and "no projection is made" in cells["note"]
    code, out, _ = run(capsys, "assess", "--pack", "hoa-binh-nq20", "--draws", "200", "--lang", "en")
    assert code == 0 and "Not projected:" in out and "members_2030" in out.split("Not projected:")[1]
    assert "of 4 targets likely met" in out and "10 targets not projected" in out
    # Goal-seeking or a tornado on it is refused in words, not a traceback.
    with pytest.raises(PlannerError, match="not projected"):
        goal_seek(pack, pack.preset("trend"), "members_2030", "htx_new_per_year", SETTINGS)
    with pytest.raises(PlannerError, match="not projected"):
        tornado(pack, pack.preset("trend"), "linkage_2045", SETTINGS)
    code, _, err = run(capsys, "goal-seek", "--pack", "hoa-binh-nq20", "--target", "members_2030",
                       "--lever", "htx_new_per_year", "--lang", "en")
    assert code == 2 and "not projected" in err and "Traceback" not in err


# --- pack new, edited: the edit is in effect --------------------------------------------------------

def test_pack_new_then_edits_are_assessed(copy_of):
    folder = copy_of("hai-duong-2023")
    assert load_pack_dir(folder).id == "my-plan"
    assert "default = false" in (folder / "pack.toml").read_text(encoding="utf-8")
    original = load_pack("hai-duong-2023")
    # A target added: a share of a count ("over 40 % of HTX apply high technology").
    add_target(folder, id="hightech_share_2030", year="2030", indicator="hightech", kind="ratio", rule="gt",
               threshold="0.4", tolerance="0", of="htx", label_vi="Trên 40 % HTX ứng dụng công nghệ cao",
               label_en="Over 40 % of HTX apply high technology")
    # A baseline changed: 600 HTX instead of 522.
    rows = read_rows(folder / "baseline.csv")
    for row in rows:
        if row["indicator"] == "htx":
            row["value"] = "600"
    write_rows(folder / "baseline.csv", rows)
    pack = load_pack_dir(folder)
    assert pack.target_ids == (*original.target_ids, "hightech_share_2030")
    values = pack.preset("trend")
    proj = project(pack, values, SETTINGS)
    assert proj.deterministic["htx"][0] == 600 != original.baseline["htx"].value
    result = {r.id: r for r in assess(pack, values, SETTINGS, proj)}["hightech_share_2030"]
    # The ratio is the high-tech count over the stock of the same path (and of the same draws).
    c = proj.column(2030)
    assert result.deterministic == pytest.approx(proj.deterministic["hightech"][c] / proj.deterministic["htx"][c])
    draws = target_values(pack.target("hightech_share_2030"), proj, pack, SETTINGS)
    assert result.probability == pytest.approx(np.mean(draws > 0.4))
    # The stock target of the original moved with the baseline.
    before = {r.id: r for r in assess(original, original.preset("trend"), SETTINGS)}
    assert result.modelled and before["hightech_2030"].deterministic != \
        {r.id: r for r in assess(pack, values, SETTINGS)}["hightech_2030"].deterministic


def test_planner_packs_folders_are_searched(tmp_path, monkeypatch, capsys):
    first, second = tmp_path / "a", tmp_path / "b"
    new_pack(first / "city-plan", "vietnam-nq20")
    new_pack(second / "other-plan", "hoa-binh-nq20")
    monkeypatch.setenv("PLANNER_PACKS", f"{first}{':' if sys.platform != 'win32' else ';'}{second}:"
                       f"{tmp_path / 'missing'}")
    ids = pack_ids()
    assert {"city-plan", "other-plan"} <= set(ids) and ids[0] == "hai-duong-2023"
    code, out, _ = run(capsys, "assess", "--pack", "other-plan", "--format", "json", "--draws", "200")
    assert code == 0 and json.loads(out)["pack"]["id"] == "other-plan"
    # A folder of the same name as a shipped pack does not replace it.
    new_pack(first / "hai-duong-2023x", "hai-duong-2023")
    assert load_pack("hai-duong-2023").folder == str(DATA_DIR / "hai-duong-2023")
    monkeypatch.delenv("PLANNER_PACKS")
    assert "city-plan" not in pack_ids()


def test_pack_new_never_overwrites(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "note.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(capsys, "pack", "new", str(folder), "--from", "hai-duong-2023", "--lang", "en")
    assert code == 2 and "not empty" in err
    assert (folder / "note.txt").read_text(encoding="utf-8") == "mine"
    code, _, err = run(capsys, "pack", "new", str(tmp_path / "Bad Name"), "--lang", "en")
    assert code == 2 and "lower-case" in err
    code, _, err = run(capsys, "pack", "new", str(tmp_path / "ok"), "--from", "nowhere", "--lang", "en")
    assert code == 2 and "unknown plan pack 'nowhere'" in err


# --- New kinds and rules, against closed forms ---------------------------------------------------------

def test_growth_target_is_the_average_yearly_growth(copy_of):
    folder = copy_of("hoa-binh-nq20")
    add_target(folder, id="htx_growth", year="2030", indicator="htx", kind="growth", rule="ge", threshold="0.03",
               tolerance="0", label_vi="HTX tăng 3 %/năm", label_en="HTX up 3 % a year")
    pack = load_pack_dir(folder)
    values = pack.preset("trend")
    proj = project(pack, values, SETTINGS)
    row = {r.id: r for r in assess(pack, values, SETTINGS, proj)}["htx_growth"]
    s0, s6 = proj.deterministic["htx"][0], proj.deterministic["htx"][proj.column(2030)]
    assert row.deterministic == pytest.approx((s6 / s0) ** (1 / 6) - 1)
    draws = (proj.draws["htx"][:, proj.column(2030)] / s0) ** (1 / 6) - 1
    assert row.probability == pytest.approx(np.mean(draws >= 0.03 - 1e-9))
    assert row.pace_ratio == pytest.approx(row.deterministic / 0.03)


def test_under_rules_mirror_the_over_rules(copy_of):
    folder = copy_of("hoa-binh-nq20")
    for rid, rule in (("gf_lt", "lt"), ("gf_ge", "ge")):
        add_target(folder, id=rid, year="2030", indicator="good_fair_share", kind="share", rule=rule,
                   threshold="0.56", tolerance="0", label_vi=rid, label_en=rid)
    pack = load_pack_dir(folder)
    rows = {r.id: r for r in assess(pack, pack.preset("trend"), SETTINGS)}
    assert rows["gf_lt"].probability + rows["gf_ge"].probability == pytest.approx(1.0)
    assert 0 < rows["gf_lt"].probability < 1
    seek = goal_seek(pack, pack.preset("trend"), "gf_lt", "quality_upgrade_rate", SETTINGS)
    assert seek.direction == "max"  # staying under a share: upgrading must not exceed a value


def test_a_tracked_target_reads_progress_on_actual_figures(copy_of):
    folder = copy_of("hoa-binh-nq20")
    rows = read_rows(folder / "baseline.csv")
    write_rows(folder / "baseline.csv", [*rows, {**rows[0], "indicator": "members", "year": "2024", "value": "20000",
                                                 "unit": "", "estimate": "false", "note": "", "note_vi": ""}])
    write_rows(folder / "actuals.csv", [
        {"indicator": "members", "year": "2026", "value": "21000", "source": "test", "note": "", "note_vi": ""},
        {"indicator": "weak_share", "year": "2026", "value": "0.05", "source": "test", "note": "", "note_vi": ""}])
    pack = load_pack_dir(folder)
    rows = {r.id: r for r in assess(pack, pack.preset("trend"), SETTINGS)}
    stock = rows["members_2030"]
    assert not stock.modelled and stock.recorded == 21000 and stock.recorded_year == 2026
    assert stock.progress == pytest.approx(1000 / 5000) and stock.elapsed == pytest.approx(2 / 6)
    assert stock.pace_ratio == pytest.approx(0.6) and stock.status == pace(0.6).id == "acceleration_needed"
    growth = rows["members_growth_2030"]
    assert growth.recorded == pytest.approx(math.sqrt(21000 / 20000) - 1)
    assert growth.pace_ratio == pytest.approx(growth.recorded / 0.03)
    # Weak HTX: 9 % (2020) to 5 % (2026) against "under 2 %" by 2030 — a fall is progress.
    weak = rows["weak_2030"]
    assert weak.progress == pytest.approx((0.05 - 0.09) / (0.02 - 0.09))
    assert weak.elapsed == pytest.approx(6 / 10)
    note = result_summary(pack, weak, "en")["note"].replace("\u00a0", " ")  # "5.0 %" keeps its no-break space
    assert "Latest figure (2026): 5.0 %" in note and "of the way" in note


# --- Hostile packs: refused with file, row, column and what is allowed ------------------------------

def test_missing_file(copy_of):
    folder = copy_of("hai-duong-2023")
    (folder / "presets.csv").unlink()
    assert any(line.startswith("presets.csv: file missing") for line in problems_of(folder))


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258"])
def test_wrong_encoding(copy_of, encoding):
    folder = copy_of("hai-duong-2023")
    path = folder / "targets.csv"
    text = path.read_text(encoding="utf-8")
    # Windows-1258 writes Vietnamese with combining tone marks: decomposed first, as Excel would save it.
    path.write_bytes(unicodedata.normalize("NFD", text).encode(encoding, errors="replace"))
    lines = problems_of(folder)
    assert any(line.startswith("targets.csv: file is not UTF-8") and "CSV UTF-8" in line for line in lines)


def test_unknown_indicator_kind_and_rule_name_row_and_column(copy_of):
    folder = copy_of("hai-duong-2023")
    add_target(folder, id="a", year="2030", indicator="cows", kind="stock", rule="ge", threshold="5")
    add_target(folder, id="b", year="2030", indicator="htx", kind="heap", rule="ge", threshold="5")
    add_target(folder, id="c", year="2030", indicator="htx", kind="stock", rule="about", threshold="5")
    add_target(folder, id="d", year="2030", indicator="htx", kind="share", rule="ge", threshold="0.5")
    lines = problems_of(folder)
    n = len(load_pack("hai-duong-2023").targets)
    assert any(line.startswith(f"targets.csv, row {n + 2}, column indicator: unknown indicator 'cows'; use: htx")
               and "indicators.csv" in line for line in lines)
    assert any(line.startswith(f"targets.csv, row {n + 3}, column kind: kind 'heap' not allowed; use: "
                               + ", ".join(TARGET_KINDS)) for line in lines)
    assert any(line.startswith(f"targets.csv, row {n + 4}, column rule: rule 'about' not allowed; use: "
                               + ", ".join(RULES)) for line in lines)
    assert any(line.startswith(f"targets.csv, row {n + 5}, column kind: kind 'share' does not fit "
                               "indicator 'htx'") for line in lines)
    assert len(lines) == 4  # one line per problem, all of them at once


def test_threshold_of_seventy_for_a_share(copy_of, capsys):
    folder = copy_of("hai-duong-2023")
    rows = read_rows(folder / "targets.csv")
    rows[3]["threshold"] = "70"  # good_fair_2030, written as a percentage
    write_rows(folder / "targets.csv", rows)
    code, out, err = run(capsys, "pack", "validate", str(folder), "--lang", "en")
    assert code == 2 and out == ""
    assert err.strip() == ("error: targets.csv, row 5, column threshold: threshold 70 of a share must be "
                           "a fraction from 0 to 1 (70 % is written 0.7)")


def test_base_year_after_the_window(copy_of):
    folder = copy_of("hai-duong-2023")
    toml = (folder / "pack.toml").read_text(encoding="utf-8").replace("base_year = 2022", "base_year = 2031")
    (folder / "pack.toml").write_text(toml, encoding="utf-8")
    assert problems_of(folder) == ["pack.toml: needs base_year < window_start ≤ 2045 (found 2031, 2023)"]


def test_ten_thousand_targets(copy_of):
    folder = copy_of("hai-duong-2023")
    rows = read_rows(folder / "targets.csv")
    write_rows(folder / "targets.csv", [{**rows[0], "id": f"t{i}"} for i in range(10_000)])
    lines = problems_of(folder)
    assert any("too many rows" in line or f"at most {MAX_TARGETS}" in line for line in lines)


def test_declared_indicators_are_checked(copy_of):
    folder = copy_of("hoa-binh-nq20")
    rows = read_rows(folder / "indicators.csv")
    write_rows(folder / "indicators.csv", [*rows, {**rows[0], "id": "htx"}, {**rows[0], "id": "goats", "kind": "herd"}])
    lines = problems_of(folder)
    assert any("column id: 'htx' is one of the engine's indicators" in line for line in lines)
    assert any("column kind: kind 'herd' not allowed; use: count, share, value" in line for line in lines)


def test_every_kind_names_the_indicators_it_reads():
    assert set(KIND_READS) == set(TARGET_KINDS)


def test_validate_prints_one_line_per_problem_and_never_a_traceback(copy_of):
    folder = copy_of("hai-duong-2023")
    add_target(folder, id="a", year="2030", indicator="cows", kind="stock", rule="ge", threshold="5")
    add_target(folder, id="b", year="2099", indicator="htx", kind="stock", rule="ge", threshold="x")
    done = subprocess.run([sys.executable, "-m", "planner", "pack", "validate", str(folder), "--lang", "en"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(lines) == 2 and all(line.startswith("error: targets.csv, row ") for line in lines)
    assert "year" in lines[1] and "2046" not in lines[1]


# --- Uploads (zip or files) -----------------------------------------------------------------------

def zip_of(files: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def pack_files(pack_id: str) -> dict[str, bytes]:
    folder = DATA_DIR / pack_id
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("layout", ["folder", "flat", "files"])
def test_an_upload_reads_as_the_folder_does(layout):
    files = pack_files("hoa-binh-nq20")
    if layout == "folder":
        uploads = [("plan.zip", zip_of({f"hoa-binh-nq20/{n}": d for n, d in files.items()}))]
    elif layout == "flat":
        uploads = [("plan.zip", zip_of(files))]
    else:
        uploads = list(files.items())
    pack, warnings = read_upload(uploads)
    assert re.fullmatch(r"hoa-binh-nq20-[0-9a-f]{8}", pack.id)
    shipped = load_pack("hoa-binh-nq20")
    assert pack.targets == shipped.targets and pack.presets == shipped.presets and pack.notes == shipped.notes
    assert warnings == []
    again, _ = read_upload(uploads)
    assert again.id == pack.id  # the same content, the same id; another content, another id
    edited = dict(files, **{"targets.csv": files["targets.csv"] + b"x_2030,2030,htx,stock,ge,800,0,,a,b,,,\n"})
    assert read_upload(list(edited.items()))[0].id != pack.id


@pytest.mark.parametrize("name", ["../targets.csv", "/etc/targets.csv", "a/../../targets.csv", "C:/targets.csv"])
def test_zip_with_escaping_paths_is_refused(name):
    files = pack_files("hai-duong-2023")
    data = zip_of({**files, name: b"id\n"})
    with pytest.raises(PackError) as caught:
        read_upload([("evil.zip", data)])
    assert "unsafe path" in caught.value.lines("en")[0]


def test_zip_bomb_is_refused_without_inflating_it():
    # 100 MB of zeros compress to about 100 kB; the entry's size is refused before anything is read.
    big = zipfile.ZipInfo("targets.csv")
    big.compress_type = zipfile.ZIP_DEFLATED
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, archive.open(big, "w", force_zip64=True) as fh:
        chunk = b"0" * (1024 * 1024)
        for _ in range(100):
            fh.write(chunk)
    data = out.getvalue()
    assert len(data) < 1_000_000
    with pytest.raises(PackError) as caught:
        read_upload([("bomb.zip", data)])
    assert "too large" in caught.value.lines("en")[0]


def test_zip_with_too_many_entries_and_broken_zips():
    with pytest.raises(PackError, match="entries"):
        read_upload([("many.zip", zip_of({f"f{i}.csv": b"" for i in range(MAX_ENTRIES + 1)}))])
    with pytest.raises(PackError, match="broken zip"):
        read_upload([("broken.zip", b"PK\x03\x04 not really a zip")])
    with pytest.raises(PackError, match="not a file of a plan pack"):
        read_upload([("notes.txt", b"hello")])


def test_an_upload_missing_files_names_them():
    files = pack_files("hai-duong-2023")
    del files["presets.csv"], files["baseline.csv"]
    with pytest.raises(PackError) as caught:
        read_upload(list(files.items()))
    lines = caught.value.lines("en")
    assert "baseline.csv: file missing (required)" in lines and "presets.csv: file missing (required)" in lines


def test_validate_reads_a_zip(tmp_path, capsys):
    path = tmp_path / "plan.zip"
    path.write_bytes(zip_of({f"p/{n}": d for n, d in pack_files("vietnam-nq20").items()}))
    code, out, _ = run(capsys, "pack", "validate", str(path), "--lang", "en")
    assert code == 0 and "valid plan pack (vietnam-nq20, 8 targets, 8 projected)" in out
    path.write_bytes(zip_of({"../x/targets.csv": b""}))
    code, _, err = run(capsys, "pack", "validate", str(path), "--lang", "en")
    assert code == 2 and "unsafe path" in err


@pytest.mark.parametrize("pack_id", ALL_PACKS)
def test_cli_lists_and_projects_every_pack(capsys, pack_id):
    pack = load_pack(pack_id)
    code, out, _ = run(capsys, "targets", "--pack", pack_id, "--format", "json")
    assert code == 0 and [t["id"] for t in json.loads(out)] == list(pack.target_ids)
    assert [t["modelled"] for t in json.loads(out)] == [t.modelled for t in pack.targets]
    code, out, _ = run(capsys, "levers", "--pack", pack_id, "--format", "json")
    levers = json.loads(out)
    assert code == 0 and [lv["id"] for lv in levers] == [lv.id for lv in pack.levers]
    for row in levers:  # the pack's own help, where it gives one
        if row["id"] in pack.lever_help:
            assert row["help"] == pack.lever_help[row["id"]][0]  # Vietnamese by default
    code, out, _ = run(capsys, "project", "--pack", pack_id, "--format", "json", "--draws", "200")
    rows = json.loads(out)
    assert code == 0 and {r["indicator"] for r in rows} == set(pack.indicators)
    assert {r["year"] for r in rows} == set(range(pack.base_year, 2046))


# --- Saved to the store: every session has it ----------------------------------------------------------

def test_a_pack_saved_to_the_store_is_versioned_with_its_author(tmp_path):
    from planner.store import ScenarioStore
    from planner.store.roles import Actor, Forbidden

    store = ScenarioStore(tmp_path / "s.sqlite", admins=["admin@tinh.gov.vn"])
    files = pack_files("hoa-binh-nq20")
    first = store.save_pack(files, author="Sở Tài chính")
    edited = dict(files, **{"targets.csv": files["targets.csv"] + b"x_2030,2030,htx,stock,ge,800,0,,a,b,,,\n"})
    second = store.save_pack(edited, author="Sở Nông nghiệp và Môi trường")
    assert (first.version, second.version) == (1, 2) and first.runtime_id != second.runtime_id
    assert [(p.pack, p.version, p.author) for p in store.stored_packs()] == [
        ("hoa-binh-nq20", 2, "Sở Nông nghiệp và Môi trường")]
    assert [p.author for p in store.pack_versions("hoa-binh-nq20")] == ["Sở Tài chính", "Sở Nông nghiệp và Môi trường"]
    # Each version reads back as the pack it was, under the id the app gives an upload of it.
    old, _ = read_upload([("v1.zip", store.pack_files("hoa-binh-nq20", 1))])
    new, _ = read_upload([("v2.zip", store.pack_files("hoa-binh-nq20"))])
    assert (old.id, new.id) == (first.runtime_id, second.runtime_id)
    assert len(new.targets) == len(old.targets) + 1
    # A broken pack is refused before anything is written; a viewer may not save; an editor's name is kept.
    with pytest.raises(PackError):
        store.save_pack(dict(files, **{"targets.csv": b"id,year\n"}))
    viewer = store.as_actor(Actor("xem@tinh.gov.vn", "Người xem"))
    with pytest.raises(Forbidden):
        viewer.save_pack(files)
    store.as_actor(Actor("admin@tinh.gov.vn")).set_role("bientap@tinh.gov.vn", "editor")
    saved = store.as_actor(Actor("bientap@tinh.gov.vn", "Biên tập")).save_pack(files, author="typed name ignored")
    assert saved.version == 3 and saved.author == "Biên tập <bientap@tinh.gov.vn>"
    assert store.counts()["packs"] == 3


# --- What each observed figure is (basis) -----------------------------------------------------------------

def test_each_figure_says_what_it_is(hd_pack):
    basis = {(o.indicator, o.year): o.basis for o in (*hd_pack.series, *hd_pack.actuals)}
    assert basis[("new_htx", 2021)] == "estimate"  # an average of 2013–2021
    assert basis[("new_htx", 2020)] == "part_year"  # January–September only
    assert basis[("good_fair_share", 2023)] == "other_definition"  # "operating effectively"
    assert basis[("htx", 2022)] == "published"
    assert next(o for o in hd_pack.series if (o.indicator, o.year) == ("new_htx", 2021)).estimate


def test_a_part_year_or_other_definition_figure_is_not_used_by_default(copy_of):
    folder = copy_of("hai-duong-2023")
    rows = read_rows(folder / "actuals.csv")
    # The "use" column left empty: the basis decides.
    write_rows(folder / "actuals.csv", [{**r, "use": "", "why_not": "", "why_not_vi": ""} for r in rows])
    pack = load_pack_dir(folder)
    use = {(o.indicator, o.year): o.use for o in pack.actuals}
    assert use[("good_fair_share", 2023)] is False
    assert use[("htx", 2023)] is True
    # Without a reason written, the basis is the reason the actual-figures engine gives.
    from planner.monitoring import evidence_for
    figure = next(f for f in evidence_for(pack).figures if (f.obs.indicator, f.obs.year) == ("good_fair_share", 2023))
    assert not figure.used and figure.reason == "pack"
    assert figure.obs.why_not_in("en") == "Another definition than the indicator's (see the note)."
    assert figure.obs.why_not_in("vi") == "Khác định nghĩa của chỉ số (xem ghi chú)."


def test_without_a_basis_column_the_estimate_flag_decides(copy_of):
    folder = copy_of("vietnam-nq20")
    rows = read_rows(folder / "series.csv")
    write_rows(folder / "series.csv", [{k: v for k, v in r.items() if k != "basis"} for r in rows])
    pack = load_pack_dir(folder)
    basis = {(o.indicator, o.year): o.basis for o in pack.series}
    assert basis[("htx", 2022)] == "estimate" and basis[("htx", 2023)] == "published"


def test_an_unknown_basis_is_refused_with_file_row_and_column(copy_of):
    folder = copy_of("hai-duong-2023")
    rows = read_rows(folder / "series.csv")
    rows[1]["basis"] = "guess"
    write_rows(folder / "series.csv", rows)
    lines = problems_of(folder)
    assert any(line.startswith("series.csv") and "row 3" in line and "column basis" in line
               and "'guess' is not allowed; use: published, estimate, part_year, other_definition" in line
               for line in lines), lines
