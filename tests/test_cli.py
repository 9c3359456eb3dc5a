"""The command-line contract of design.md: commands, options, JSON shape, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.cli import main
from planner.packs import load_pack

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--draws", "400"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_assess_json_has_the_contract_shape(capsys):
    code, out, _ = run(capsys, "assess", "--format", "json", *FAST)
    assert code == 0
    data = json.loads(out)
    assert {"pack", "preset", "levers", "draws", "seed", "targets"} <= set(data)
    assert {"id", "base_year", "window_start"} <= set(data["pack"])
    assert data["pack"]["id"] == "hai-duong-2023" and data["pack"]["base_year"] == 2022
    assert data["draws"] == 400
    keys = {"id", "year", "rule", "threshold", "tolerance", "deterministic", "p10", "p50", "p90",
            "probability", "likelihood", "pace_ratio", "status"}
    assert [t["id"] for t in data["targets"]] == list(load_pack().target_ids)
    for target in data["targets"]:
        assert keys <= set(target)
        assert 0 <= target["probability"] <= 1
        assert target["p10"] <= target["p50"] <= target["p90"]


def test_shares_are_fractions_in_json_and_csv(capsys):
    _, out, _ = run(capsys, "assess", "--format", "json", *FAST)
    good_fair = next(t for t in json.loads(out)["targets"] if t["id"] == "good_fair_2030")
    assert good_fair["threshold"] == pytest.approx(0.70)
    assert 0 < good_fair["p50"] < 1
    _, out, _ = run(capsys, "assess", "--format", "csv", *FAST)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 11
    assert 0 < float(next(r for r in rows if r["id"] == "linkage_2030")["p50"]) < 1


def test_set_moves_the_result_and_same_seed_reproduces(capsys):
    _, low, _ = run(capsys, "assess", "--format", "json", *FAST, "--set", "htx_new_per_year=15")
    _, high, _ = run(capsys, "assess", "--format", "json", *FAST, "--set", "htx_new_per_year=30")
    _, again, _ = run(capsys, "assess", "--format", "json", *FAST, "--set", "htx_new_per_year=30")
    pick = lambda text: next(t for t in json.loads(text)["targets"] if t["id"] == "new_htx_2030")  # noqa: E731
    assert pick(high)["probability"] > pick(low)["probability"]
    assert pick(high)["deterministic"] == pytest.approx(240.0)
    assert high == again


def test_decimal_comma_accepted_in_set(capsys):
    code, out, _ = run(capsys, "assess", "--format", "json", *FAST, "--set", "htx_dissolution_rate=0,03")
    assert code == 0 and json.loads(out)["levers"]["htx_dissolution_rate"] == pytest.approx(0.03)


def test_uncertainty_zero_fixes_the_levers(capsys):
    _, out, _ = run(capsys, "assess", "--format", "json", "--draws", "300", "--uncertainty", "0")
    target = next(t for t in json.loads(out)["targets"] if t["id"] == "linkage_2030")
    # Linkage has no process noise: with fixed levers every draw is the deterministic path.
    assert target["p10"] == pytest.approx(target["deterministic"]) == pytest.approx(target["p90"])


def test_table_output_is_vietnamese_and_english(capsys):
    _, vi, _ = run(capsys, "assess", *FAST)
    assert "Chỉ tiêu" in vi and "Xác suất" in vi and "chỉ tiêu có khả năng đạt" in vi
    assert "Thành lập mới 180 hợp tác xã" in vi
    _, en, _ = run(capsys, "assess", "--lang", "en", *FAST)
    assert "Probability" in en and "targets likely met" in en


def test_project_rows(capsys):
    code, out, _ = run(capsys, "project", "--format", "json", *FAST)
    rows = json.loads(out)
    assert code == 0
    assert set(rows[0]) == {"year", "indicator", "deterministic", "mean", "p10", "p50", "p90"}
    indicators = {r["indicator"] for r in rows}
    assert {"htx", "tht", "lhhtx", "new_htx", "good_fair_share", "hightech", "digital_share",
            "linkage_share", "export", "households_share"} <= indicators
    years = sorted({r["year"] for r in rows})
    assert years[0] == 2022 and years[-1] == 2045
    assert len(rows) == len(indicators) * len(years)


def test_scenario_file_and_validate(capsys, tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"pack": "hai-duong-2023", "preset": "plan-pace",
                                "levers": {"htx_new_per_year": 25}, "name": "Thử"}), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and "hợp lệ" in out
    code, out, _ = run(capsys, "assess", "--scenario", str(path), "--format", "json", *FAST)
    data = json.loads(out)
    assert data["preset"] == "plan-pace" and data["levers"]["htx_new_per_year"] == 25


def test_validate_pack_folder_and_actuals(capsys, tmp_path):
    code, out, _ = run(capsys, "validate", str(ROOT / "data" / "vietnam-nq20"))
    assert code == 0 and "vietnam-nq20" in out
    actuals = tmp_path / "a.csv"
    actuals.write_text("indicator,year,value\nhtx,2024,530\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(actuals))
    assert code == 0


def test_goal_seek_answers_in_a_sentence_and_json(capsys):
    code, out, _ = run(capsys, "goal-seek", "--target", "new_htx_2030", "--lever", "htx_new_per_year", *FAST)
    assert code == 0 and "ít nhất" in out and "22,5" in out
    _, out, _ = run(capsys, "goal-seek", "--target", "new_htx_2030", "--lever", "htx_new_per_year",
                    "--format", "json", *FAST)
    data = json.loads(out)
    assert data["status"] == "reachable" and data["direction"] == "min"
    assert data["breakeven"] == pytest.approx(22.5, abs=0.01)


def test_listings(capsys):
    for command in ("levers", "targets", "packs"):
        code, out, _ = run(capsys, command, "--format", "json")
        assert code == 0 and json.loads(out)
    _, out, _ = run(capsys, "levers", "--pack", "vietnam-nq20", "--format", "json")
    ids = {r["id"] for r in json.loads(out)}
    assert "members_p" in ids and "digital_p" not in ids  # a pack shows only the levers it uses
    _, out, _ = run(capsys, "targets", "--pack", "vietnam-nq20", "--format", "json")
    assert {r["id"] for r in json.loads(out)} == {"tht_2030", "htx_2030", "lhhtx_2030", "good_fair_2030",
                                                 "hightech_2030", "members_2045", "effective_2045", "linkage_2045"}


@pytest.mark.parametrize("argv, fragment", [
    (["assess", "--set", "no_such_lever=1"], "no_such_lever"),
    (["assess", "--set", "htx_new_per_year=9999"], "[0, 200]"),
    (["assess", "--set", "htx_new_per_year"], "LEVER=VALUE"),
    (["assess", "--pack", "atlantis"], "atlantis"),
    (["assess", "--preset", "dreamy"], "dreamy"),
    (["assess", "--draws", "0"], "draws"),
    (["assess", "--uncertainty", "9"], "uncertainty"),
    (["assess", "--scenario", "/no/such/file.json"], "/no/such/file.json"),
    (["goal-seek", "--target", "nope", "--lever", "htx_new_per_year"], "nope"),
    (["goal-seek", "--target", "new_htx_2030", "--lever", "nope"], "nope"),
    (["validate", "/no/such/file.csv"], "/no/such/file.csv"),
    (["bogus-command"], "bogus-command"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv, fragment):
    code, out, err = run(capsys, *argv, "--lang", "en") if argv[0] != "bogus-command" else run(capsys, *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_malformed_json_names_the_place(capsys, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"pack": "hai-duong-2023", "levers": {', encoding="utf-8")
    code, _, err = run(capsys, "assess", "--scenario", str(path))
    assert code == 2 and "broken.json" in err and "JSON" in err and len(err.strip().splitlines()) == 1
    path.write_text('{"pack": "hai-duong-2023", "colour": "red"}', encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path), "--lang", "en")
    assert code == 2 and "colour" in err


def test_scenario_of_another_pack_is_rejected(capsys, tmp_path):
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"pack": "vietnam-nq20"}), encoding="utf-8")
    code, _, err = run(capsys, "validate", str(path), "--pack", "hai-duong-2023")
    assert code == 2 and "vietnam-nq20" in err


def test_module_entry_point_runs_without_traceback():
    ok = subprocess.run([sys.executable, "-m", "planner", "packs"], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0 and "hai-duong-2023" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "planner", "assess", "--set", "x=1"], cwd=ROOT,
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
