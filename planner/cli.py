"""``python -m planner``: the command line, a second thin shell over the engine.

The command names, options and JSON shapes are a contract other tools rely on (design.md).  Bad
input of any kind: exit code 2 and one plain line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .assess import assess, goal_seek
from .cli_store import add_store_parser, cmd_store
from .errors import PlannerError
from .fmt import indicator_value, lever_value
from .model import project
from .monitoring import check_as_of
from .packs import DEFAULT_PACK, PRESETS, Observation, load_pack, load_pack_dir, pack_ids
from .progress import figures_line, progress_text
from .registry import GROUP_BY_ID, INDICATOR_BY_ID, LIKELY_THRESHOLD, RULES, preset_label
from .scenario import (
    DEFAULT_PRESET,
    Resolved,
    check_lever,
    check_tolerance,
    figures_list,
    load_file,
    new_scenario,
    parse_number,
    resolve,
    validate,
)
from .text import goal_seek_sentence, headline, result_summary, target_value

FORMATS = ("table", "json", "csv")
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one plain line (and exit 2), in the user's language."""

    lang = "vi"

    def error(self, message: str) -> NoReturn:
        prefix = "lỗi tham số dòng lệnh" if self.lang == "vi" else "command-line error"
        print(f"{self.prog}: {prefix}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", help=f"plan pack id (default {DEFAULT_PACK}); see `packs`")
    p.add_argument("--preset", help=f"preset: {', '.join(PRESETS)} (default {DEFAULT_PRESET})")
    p.add_argument("--scenario", metavar="FILE", help="scenario JSON file")
    p.add_argument("--set", action="append", default=[], metavar="LEVER=VALUE",
                   help="set a lever (repeatable); rates and shares as fractions, e.g. htx_dissolution_rate=0.03")
    p.add_argument("--uncertainty", metavar="SCALE", help="scale of every lever's range: 0 fixes them, 1 default")
    p.add_argument("--draws", metavar="N", help="Monte Carlo draws (default 5000)")
    p.add_argument("--seed", metavar="N", help="random seed (fixed by default, so results reproduce)")
    p.add_argument("--window-start", metavar="YEAR", help="first year whose foundings count (default: the pack's)")
    _tolerance_option(p)


def _tolerance_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tolerance", action="append", default=[], metavar="TARGET=VALUE",
                   help="tolerance of a full-coverage target (repeatable), a fraction: digital_2030=0.01 "
                        "means met from 99 %%")


def _apply_tolerances(data: dict[str, Any], items: list[str], pack) -> None:
    """``--tolerance TARGET=VALUE`` options into the scenario (checked like a scenario file's)."""
    tolerance = dict(data.get("tolerance") or {})
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise PlannerError(f"'{item}' phải có dạng TARGET=VALUE", f"'{item}' must read TARGET=VALUE", "--tolerance")
        tolerance[key.strip()] = check_tolerance(pack, key.strip(), value, f"--tolerance {key.strip()}")
    data["tolerance"] = tolerance


def _monitoring_options(p: argparse.ArgumentParser) -> None:
    """Actual figures: the pack's own plus files given here; figures after ``--as-of`` ignored."""
    p.add_argument("--actuals", action="append", default=[], metavar="FILE",
                   help="actual figures (CSV/XLSX, the format of `validate`), repeatable; a figure here "
                        "replaces the pack's for the same indicator and year")
    p.add_argument("--as-of", metavar="YEAR", help="ignore actual figures after this year "
                   "(before the first figure: the projection from the base year)")


def _actuals_from_args(args: argparse.Namespace, pack_id: str) -> tuple[Observation, ...]:
    """The figures of every ``--actuals`` file, read and checked by the actuals reader (bad file: exit 2)."""
    from .actuals import read_actuals_path

    pack = load_pack(pack_id)
    figures: dict[tuple[str, int], Observation] = {}
    for path in getattr(args, "actuals", []) or []:
        for obs in read_actuals_path(path, pack).observations:
            figures[(obs.indicator, obs.year)] = obs  # a later file wins for the same indicator and year
    return tuple(figures.values())


def _output_options(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    p.add_argument("--format", choices=formats, default="table")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m planner", description="Scenario planner for the collective economy: "
                     "provincial and national plan packs (see `packs`).")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, text in (("assess", "every target: projection, probability, likelihood, pace"),
                       ("project", "trajectories of every indicator, tidy rows")):
        p = sub.add_parser(name, help=text)
        _scenario_options(p)
        _monitoring_options(p)
        _output_options(p)
    p = sub.add_parser("goal-seek", help="what value of a lever makes a target likely")
    _scenario_options(p)
    _monitoring_options(p)
    _output_options(p)
    p.add_argument("--target", required=True)
    p.add_argument("--lever", required=True)
    p.add_argument("--likelihood", default=str(LIKELY_THRESHOLD), help="probability wanted (default 0.66)")
    for name in ("levers", "targets", "packs"):
        p = sub.add_parser(name, help=f"list the {name}")
        if name != "packs":
            p.add_argument("--pack")
        _output_options(p)
    _calibration_parser(sub)
    p = sub.add_parser("validate", help="check a scenario (JSON), actuals (CSV/XLSX) or pack (folder) file")
    p.add_argument("file")
    p.add_argument("--pack")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    _pack_commands(sub)
    p = sub.add_parser("report", help="offline report of a scenario (Word, HTML or Excel)")
    _scenario_options(p)
    _monitoring_options(p)
    _report_options(p)
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    add_store_parser(sub)
    return parser


def _pack_commands(sub: argparse._SubParsersAction) -> None:
    """``pack new DIR --from ID`` and ``pack validate DIR|ZIP``: writing a pack without a programmer."""
    p = sub.add_parser("pack", help="write and check plan packs (see docs/packs.md)")
    actions = p.add_subparsers(dest="pack_command", required=True, parser_class=_Parser)
    new = actions.add_parser("new", help="copy a pack into a new folder as a starting point")
    new.add_argument("dir")
    new.add_argument("--from", dest="source", default=DEFAULT_PACK, help=f"pack id to copy (default {DEFAULT_PACK})")
    new.add_argument("--lang", choices=("vi", "en"), default="vi")
    check = actions.add_parser("validate", help="check a pack folder or zip: one line per problem, exit 2 if any")
    check.add_argument("path")
    check.add_argument("--lang", choices=("vi", "en"), default="vi")


def _cmd_pack(args: argparse.Namespace) -> str:
    from .packs.archive import new_pack, read_upload
    from .packs.read import PackError, pack_warnings

    vi = args.lang == "vi"
    if args.pack_command == "new":
        folder = new_pack(Path(args.dir), args.source)
        return (f"Đã tạo gói {folder.name} từ {args.source} trong {folder}; sửa các tệp rồi chạy "
                f"`python -m planner pack validate {folder}`" if vi else
                f"Created pack {folder.name} from {args.source} in {folder}; edit its files, then run "
                f"`python -m planner pack validate {folder}`")
    path = Path(args.path)
    try:
        if path.is_dir():
            pack = load_pack_dir(path)
            warnings = pack_warnings(path)
        elif path.is_file():
            if path.stat().st_size > 50 * 1024 * 1024:
                raise PlannerError("tệp quá lớn", "file too large", str(path))
            pack, warnings = read_upload([(path.name, path.read_bytes())])
        else:
            raise PlannerError("không tìm thấy thư mục hoặc tệp zip", "no such folder or zip file", str(path))
    except PackError as exc:
        raise _Problems(exc.lines(args.lang)) from None
    modelled = sum(t.modelled for t in pack.targets)
    lines = [f"{path}: gói kế hoạch hợp lệ ({pack.meta['id']}, {len(pack.targets)} chỉ tiêu, {modelled} được dự báo)"
             if vi else f"{path}: valid plan pack ({pack.meta['id']}, {len(pack.targets)} targets, {modelled} projected)"]
    lines += [f"  {'không dự báo' if vi else 'not projected'}: {t.id}: {t.reason(args.lang)}"
              for t in pack.targets if not t.modelled]
    lines += [f"  {'lưu ý' if vi else 'note'}: {w.message(args.lang)}" for w in warnings]
    return "\n".join(lines)


class _Problems(Exception):
    """Several problems, each printed on its own line (exit 2)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def _report_options(p: argparse.ArgumentParser) -> None:
    """``report --format docx|html|xlsx --out FILE``: docx is the administrative format (Nghị định 30)."""
    from .report.files import FORMATS as REPORT_FORMATS

    p.add_argument("--format", choices=REPORT_FORMATS, required=True,
                   help="docx: Word in the administrative format; html: one page to print; xlsx: a workbook")


def _scenario_from_args(args: argparse.Namespace) -> dict[str, Any]:
    data = load_file(args.scenario) if args.scenario else new_scenario(args.pack or DEFAULT_PACK)
    if args.pack and args.scenario and args.pack != data["pack"]:
        raise PlannerError(f"kịch bản thuộc gói '{data['pack']}', không phải '{args.pack}'",
                           f"the scenario belongs to pack '{data['pack']}', not '{args.pack}'", args.scenario)
    if args.preset:
        data["preset"] = args.preset
    pack = load_pack(data["pack"])
    levers = dict(data.get("levers", {}))
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise PlannerError(f"'{item}' phải có dạng LEVER=VALUE", f"'{item}' must read LEVER=VALUE", "--set")
        levers[key.strip()] = check_lever(pack, key.strip(), value, f"--set {key.strip()}")
    data["levers"] = levers
    _apply_tolerances(data, getattr(args, "tolerance", []), pack)
    for option, key in (("uncertainty", "uncertainty"), ("draws", "draws"), ("seed", "seed"),
                        ("window_start", "window_start")):
        raw = getattr(args, option)
        if raw is not None:
            data[key] = parse_number(raw, f"--{option.replace('_', '-')}")
    if getattr(args, "as_of", None) is not None:
        data["as_of"] = check_as_of(pack, args.as_of, "--as-of")
    return validate(data, "--scenario" if args.scenario else "scenario")


def _resolved(args: argparse.Namespace, data: dict[str, Any]) -> Resolved:
    """The scenario with the pack's figures and those of ``--actuals``."""
    return resolve(data, _actuals_from_args(args, data["pack"]))


def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """A plain text table; widths count characters as a terminal shows them (NFC)."""
    cells = [[unicodedata.normalize("NFC", str(c)) for c in row] for row in [headers, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def assessment_json(data: dict[str, Any], res: Resolved | None = None) -> dict[str, Any]:
    """The ``assess --format json`` object of design.md (``res``: the scenario resolved with its figures)."""
    res = res or resolve(data)
    pack = res.pack
    results = assess(pack, res.values, res.settings, evidence=res.evidence)
    return {
        "pack": {"id": pack.id, "name": pack.name("vi"), "name_en": pack.name("en"),
                 "document": pack.meta.get("document", ""), "base_year": pack.base_year,
                 "window_start": res.settings.window_start or pack.window_start, "horizon": pack.horizon},
        "preset": res.preset,
        "levers": res.values,
        "changed": sorted(res.changed),
        "draws": res.settings.draws,
        "seed": res.settings.seed,
        "uncertainty": res.settings.uncertainty,
        "as_of": res.evidence.latest_year,
        "actuals_used": figures_list(res.evidence),
        "fingerprint": res.evidence.fingerprint,
        "targets": [r.as_dict() for r in results],
    }


def _cmd_assess(args: argparse.Namespace) -> str:
    data = _scenario_from_args(args)
    res = _resolved(args, data)
    out = assessment_json(data, res)
    if args.format == "json":
        return _json(out)
    if args.format == "csv":
        return _csv(out["targets"])
    from .assess import TargetResult

    results = [TargetResult(**t) for t in out["targets"]]
    vi = args.lang == "vi"
    headers = (["Mã", "Chỉ tiêu", "Năm", "Dự báo (p50)", "Khoảng p10–p90", "Xác suất", "Khả năng", "Tiến độ",
                "Đến nay"]
               if vi else ["Id", "Target", "Year", "Projected (p50)", "Range p10–p90", "Probability",
                           "Likelihood", "Pace", "So far"])
    rows = []
    for r in results:
        s = result_summary(res.pack, r, args.lang)
        so_far = progress_text(res.pack.target(r.id), r.recorded, r.recorded_year, r.progress, r.elapsed, args.lang)
        rows.append([r.id, s["target"], s["year"], s["projected"], s["range"], s["probability"],
                     s["likelihood"], s["pace"], so_far or "–"])
    title = (f"{res.pack.name(args.lang)} · {'kịch bản mẫu' if vi else 'preset'} {preset_label(res.preset, args.lang)} · "
             f"{res.settings.draws} {'lượt mô phỏng' if vi else 'draws'} · "
             f"{'số liệu thực tế' if vi else 'actual figures'}: {figures_line(res.evidence, args.lang)}")
    notes = [f"  {r.id}: {result_summary(res.pack, r, args.lang)['note']}" for r in results if not r.modelled]
    tail = ("\n\n" + ("Không dự báo:" if vi else "Not projected:") + "\n" + "\n".join(notes)) if notes else ""
    return (f"{title}\n\n{_table(headers, rows, {2, 3, 5})}\n\n{headline(results, args.lang)}"
            + _blocked_lines(res, results, args.lang) + tail)


def _blocked_lines(res: Resolved, results: list, lang: str) -> str:
    """One sentence per target that the chosen levers rule out (a ceiling set below the target)."""
    from .assess import blocker
    from .reach import blocker_sentence

    lines = []
    for r in results:
        if r.blocked_by:
            b = blocker(res.pack, res.values, res.pack.target(r.id), res.settings)
            if b is not None:
                lines.append(blocker_sentence(res.pack, b, lang))
    return "".join(f"\n{line}" for line in lines)


def projection_rows(data: dict[str, Any], res: Resolved | None = None) -> list[dict[str, Any]]:
    """Tidy trajectory rows: year, indicator, deterministic, mean, p10, p50, p90 (the reports' numbers).

    Years up to an indicator's as-of year follow its actual figures in every column.
    """
    from .results import tidy_trajectories, trajectory_rows

    res = res or resolve(data)
    proj = project(res.pack, res.values, res.settings, evidence=res.evidence)
    return trajectory_rows(tidy_trajectories(proj, res))


def _cmd_project(args: argparse.Namespace) -> str:
    data = _scenario_from_args(args)
    rows = projection_rows(data, _resolved(args, data))
    if args.format == "json":
        return _json(rows)
    if args.format == "csv":
        return _csv(rows)
    vi = args.lang == "vi"
    headers = (["Năm", "Chỉ số", "Đường trung tâm", "Trung bình", "p10", "p50", "p90"] if vi
               else ["Year", "Indicator", "Central path", "Mean", "p10", "p50", "p90"])
    body = [[str(r["year"]), INDICATOR_BY_ID[r["indicator"]].label(args.lang)]
            + [indicator_value(r["indicator"], r[k], args.lang) for k in ("deterministic", "mean", "p10", "p50", "p90")]
            for r in rows]
    return _table(headers, body, {0, 2, 3, 4, 5, 6})


def _cmd_goal_seek(args: argparse.Namespace) -> str:
    data = _scenario_from_args(args)
    res = _resolved(args, data)
    wanted = parse_number(args.likelihood, "--likelihood")
    result = goal_seek(res.pack, res.values, args.target, args.lever, res.settings, wanted, res.evidence)
    sentence = goal_seek_sentence(res.pack, result, args.lang)
    extra: dict[str, Any] = {}
    if result.status == "out_of_reach":  # one lever is not enough: what it would take together
        from .reach import joint_requirement, requirement_sentence

        need = joint_requirement(res.pack, res.values, args.target, res.settings, wanted, res.evidence)
        extra = {"together": [{"lever": k, "value": v} for k, v in need.moves],
                 "together_probability": need.probability,
                 "together_sentence": requirement_sentence(res.pack, need, args.lang, wanted)}
        sentence = f"{sentence}\n{extra['together_sentence']}"
    if args.format == "json":
        return _json({**result.as_dict(), **extra, "sentence": sentence})
    if args.format == "csv":
        return _csv([{**result.as_dict(), "sentence": sentence}])
    return sentence


def _cmd_levers(args: argparse.Namespace) -> str:
    pack = load_pack(args.pack or DEFAULT_PACK)
    rows = []
    for lever in pack.levers:
        rows.append({"id": lever.id, "group": lever.group, "label": lever.label(args.lang),
                     "kind": lever.kind, "min": lever.lo, "max": lever.hi, "step": lever.step,
                     "spread_low": lever.spread[0], "spread_high": lever.spread[1], "spread_mode": lever.spread_mode,
                     "drives": list(lever.drives), "help": lever.help(args.lang),
                     **{name: pack.presets[name][lever.id] for name in pack.presets}})
    if args.format == "json":
        return _json(rows)
    if args.format == "csv":
        return _csv([{**r, "drives": " ".join(r["drives"])} for r in rows])
    vi = args.lang == "vi"
    headers = ["Mã" if vi else "Id", "Nhóm" if vi else "Group", "Giả định" if vi else "Assumption",
               "Khoảng" if vi else "Range", *pack.presets]
    body = [[r["id"], GROUP_BY_ID[r["group"]].label(args.lang), r["label"],
             f"{lever_value(lv, lv.lo, args.lang)} – {lever_value(lv, lv.hi, args.lang)}",
             *(lever_value(lv, r[name], args.lang) for name in pack.presets)]
            for r, lv in zip(rows, pack.levers, strict=True)]
    return _table(headers, body, set(range(4, 4 + len(pack.presets))))


def _cmd_targets(args: argparse.Namespace) -> str:
    pack = load_pack(args.pack or DEFAULT_PACK)
    rows = [{"id": t.id, "year": t.year, "indicator": t.indicator, "kind": t.kind, "rule": t.rule,
             "threshold": t.threshold, "tolerance": t.tolerance, "label": t.label(args.lang),
             "plan_text": t.plan_text, "of": t.of, "modelled": t.modelled} for t in pack.targets]
    if args.format == "json":
        return _json(rows)
    if args.format == "csv":
        return _csv(rows)
    vi = args.lang == "vi"
    headers = (["Mã", "Năm", "Chỉ tiêu", "Quy tắc"] if vi else ["Id", "Year", "Target", "Rule"])
    body = []
    for t in pack.targets:
        symbol = RULES[t.rule][0 if vi else 1]
        rule = symbol if t.rule == "increase" else (
            f"{symbol} {target_value(pack, t, t.threshold, args.lang)}" if t.rule != "full"
            else f"{symbol} (≥ {target_value(pack, t, t.met_at, args.lang)})")
        body.append([t.id, str(t.year), t.label(args.lang), rule,
                     ("có" if vi else "yes") if t.modelled else ("không" if vi else "no")])
    return _table(headers + (["Dự báo"] if vi else ["Projected"]), body, {1})


def _cmd_packs(args: argparse.Namespace) -> str:
    rows = []
    for pid in pack_ids():
        pack = load_pack(pid)
        rows.append({"id": pid, "name": pack.name(args.lang), "document": pack.meta.get("document", ""),
                     "document_date": pack.meta.get("document_date", ""), "base_year": pack.base_year,
                     "window_start": pack.window_start, "horizon": pack.horizon, "targets": len(pack.targets),
                     "default": pid == DEFAULT_PACK})
    if args.format == "json":
        return _json(rows)
    if args.format == "csv":
        return _csv(rows)
    vi = args.lang == "vi"
    headers = (["Mã", "Tên", "Văn bản", "Năm gốc", "Chỉ tiêu"] if vi
               else ["Id", "Name", "Document", "Base year", "Targets"])
    return _table(headers, [[r["id"], r["name"], r["document"], str(r["base_year"]), str(r["targets"])]
                            for r in rows], {3, 4})


def _cmd_validate(args: argparse.Namespace) -> str:
    path = Path(args.file)
    vi = args.lang == "vi"
    if path.is_dir() or path.name == "pack.toml":
        folder = path if path.is_dir() else path.parent
        pack = load_pack_dir(folder)
        return (f"{path}: gói kế hoạch hợp lệ ({pack.id}, {len(pack.targets)} chỉ tiêu)" if vi
                else f"{path}: valid plan pack ({pack.id}, {len(pack.targets)} targets)")
    if not path.exists():
        raise PlannerError("không tìm thấy tệp", "file not found", str(path))
    if path.suffix.lower() == ".json":
        data = load_file(path)
        if args.pack and data["pack"] != args.pack:
            raise PlannerError(f"kịch bản thuộc gói '{data['pack']}', không phải '{args.pack}'",
                               f"the scenario belongs to pack '{data['pack']}', not '{args.pack}'", str(path))
        return (f"{path}: kịch bản hợp lệ (gói {data['pack']}, {len(data['levers'])} giả định khác kịch bản mẫu)" if vi
                else f"{path}: valid scenario (pack {data['pack']}, {len(data['levers'])} assumptions set)")
    from .actuals import read_actuals_path

    result = read_actuals_path(path, load_pack(args.pack or DEFAULT_PACK))
    notes = "".join(f"\n  {w.message(args.lang)}" for w in result.warnings)
    return (f"{path}: số liệu thực tế hợp lệ ({len(result.observations)} dòng){notes}" if vi
            else f"{path}: valid actuals ({len(result.observations)} rows){notes}")


def _cmd_report(args: argparse.Namespace) -> str:
    from .report import write_report

    data = _scenario_from_args(args)
    res = _resolved(args, data)
    # The report is made from exactly the figures used here (and records them and their fingerprint).
    data = {**data, "actuals": figures_list(res.evidence), "fingerprint": res.evidence.fingerprint}
    out = write_report(data, args.format, Path(args.out), args.lang)
    return f"{out}" if args.lang == "en" else f"Đã ghi {out}"


def _calibration_parser(sub) -> None:
    p = sub.add_parser("calibration", help="each fit of the pack: parameters, spread, residual dof, weak flag")
    p.add_argument("--pack")
    _output_options(p)


def calibration_rows(pack) -> list[dict[str, Any]]:
    """One row per fitted parameter (and one for the foundings' dispersion)."""
    from .calibrate import fit_dispersion

    rows = []
    for kind, fit in pack.fits.items():
        sd = fit.sd()
        corr = fit.correlation()
        values = fit.lever_values()
        for i, lever_id in enumerate(fit.params):
            rows.append({"fit": kind, "lever": lever_id, "value": values[lever_id], "sd": sd[lever_id],
                         "points": fit.points, "dof": fit.dof, "weak": fit.weak,
                         "at_bound": lever_id in fit.at_bound, "rmse": fit.rmse,
                         "correlation": {p: round(float(corr[i, j]), 4) for j, p in enumerate(fit.params) if j != i}})
    phi, years = fit_dispersion(tuple(pack.series) + tuple(pack.actuals))
    default = pack.presets.get("trend", {}).get("foundings_dispersion")
    rows.append({"fit": "foundings", "lever": "foundings_dispersion",
                 "value": phi if phi is not None else default, "sd": None, "points": years,
                 "dof": max(years - 1, 0), "weak": phi is None, "at_bound": False, "rmse": None,
                 "correlation": {}, "fitted": phi is not None})
    return rows


def _cmd_calibration(args: argparse.Namespace) -> str:
    pack = load_pack(args.pack or DEFAULT_PACK)
    rows = calibration_rows(pack)
    if args.format == "json":
        return _json(rows)
    if args.format == "csv":
        return _csv([{**r, "correlation": " ".join(f"{k}={v}" for k, v in r["correlation"].items())} for r in rows])
    vi = args.lang == "vi"
    headers = (["Phép khớp", "Giả định", "Giá trị", "Độ lệch chuẩn", "Điểm", "Bậc tự do dư", "Yếu"] if vi
               else ["Fit", "Lever", "Value", "Std. dev.", "Points", "Residual dof", "Weak"])
    yes, no = ("có", "không") if vi else ("yes", "no")
    body = []
    for r in rows:
        lever = pack.lever(r["lever"])
        weak = yes if r["weak"] else no
        if r["at_bound"]:
            weak += " (chạm giới hạn)" if vi else " (on a bound)"
        if r["fit"] == "foundings" and r["weak"]:
            weak = (f"chưa khớp được ({r['points']} năm), dùng mặc định" if vi
                    else f"not fitted ({r['points']} year{'' if r['points'] == 1 else 's'}), default used")
        body.append([r["fit"], r["lever"], lever_value(lever, r["value"], args.lang),
                     "–" if r["sd"] is None else lever_value(lever, r["sd"], args.lang),
                     str(r["points"]), str(r["dof"]), weak])
    return _table(headers, body, {2, 3, 4, 5})


COMMANDS = {"calibration": _cmd_calibration, "assess": _cmd_assess, "project": _cmd_project, "goal-seek": _cmd_goal_seek,
            "levers": _cmd_levers, "targets": _cmd_targets, "packs": _cmd_packs,
            "validate": _cmd_validate, "report": _cmd_report, "store": cmd_store, "pack": _cmd_pack}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = "en" if any(a in ("--lang=en",) for a in argv) or \
        any(a == "--lang" and i + 1 < len(argv) and argv[i + 1] == "en" for i, a in enumerate(argv)) else "vi"
    _Parser.lang = lang
    try:
        args = build_parser().parse_args(argv)
        text = COMMANDS[args.command](args)
    except _Problems as exc:
        for line in exc.lines:
            print(f"{'lỗi' if lang == 'vi' else 'error'}: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except PlannerError as exc:
        lines = exc.lines(lang) if hasattr(exc, "lines") else [exc.message(lang)]
        for line in lines:
            print(f"{'lỗi' if lang == 'vi' else 'error'}: {line}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exc:
        return int(exc.code or 0)
    except (OSError, MemoryError) as exc:  # e.g. an output file that cannot be written
        print(f"{'lỗi' if lang == 'vi' else 'error'}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except RecursionError:  # a hostile file nested too deep for any reader: still one line, exit 2
        print("lỗi: dữ liệu lồng nhau quá sâu" if lang == "vi" else "error: data nested too deep", file=sys.stderr)
        return EXIT_BAD_INPUT
    with contextlib.suppress(BrokenPipeError):  # `| head` closed the pipe: not an error for the user
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    return 0
