"""Scenarios: one plain dict, checked at the edge (files, URLs, CLI flags, widgets).

A scenario is ``{"pack", "preset", "levers", "name", "note"}`` plus optional run settings
(``uncertainty``, ``draws``, ``seed``, ``window_start``).  ``levers`` holds only what differs from
the preset or everything; either way ``resolve`` gives the full set of values for the engine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .errors import PlannerError
from .model import DEFAULT_DRAWS, DEFAULT_SEED, MAX_DRAWS, Settings
from .monitoring import Evidence, check_as_of, evidence_for, refit
from .packs import DEFAULT_PACK, PRESETS, Observation, Pack, load_pack
from .registry import INDICATOR_BY_ID, Lever

SCENARIO_KEYS = {"pack", "preset", "levers", "name", "note", "uncertainty", "draws", "seed",
                 "window_start", "as_of", "actuals", "fingerprint", "tolerance"}
MAX_TOLERANCE = 0.1  # a full-coverage target met at 90 % would no longer be "full"
# Monitoring keys (optional): ``as_of`` (figures after that year ignored), ``actuals`` (the figures the
# scenario was made with, as [{"indicator", "year", "value"}]: when given, exactly these are used) and
# ``fingerprint`` (of the figures used when it was saved or shared, to tell later that they changed).
MAX_ACTUALS = 500
MAX_TEXT = 2000
DEFAULT_PRESET = "trend"


def new_scenario(pack_id: str = DEFAULT_PACK, preset: str = DEFAULT_PRESET) -> dict[str, Any]:
    return {"pack": pack_id, "preset": preset, "levers": {}, "name": "", "note": "",
            "uncertainty": 1.0, "draws": DEFAULT_DRAWS, "seed": DEFAULT_SEED, "window_start": None,
            "tolerance": {}}


def parse_number(text: Any, where: str) -> float:
    """A number from user text; accepts a decimal comma ("0,03")."""
    if isinstance(text, bool):
        raise PlannerError("phải là một số", "must be a number", where)
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        raw = str(text).strip().replace(" ", "")
        if len(raw) > 40:
            raise PlannerError("giá trị quá dài", "value too long", where)
        if raw.count(",") == 1 and "." not in raw:
            raw = raw.replace(",", ".")
        try:
            value = float(raw)
        except ValueError:
            raise PlannerError(f"'{str(text)[:40]}' không phải là số", f"'{str(text)[:40]}' is not a number",
                               where) from None
    if not math.isfinite(value):
        raise PlannerError("phải là một số hữu hạn", "must be a finite number", where)
    return value


def check_lever(pack: Pack, lever_id: str, value: Any, where: str = "") -> float:
    """A lever value checked against the registry: known to the pack and within its bounds."""
    where = where or lever_id
    try:
        lever = pack.lever(lever_id)
    except PlannerError as exc:
        raise PlannerError(exc.vi, exc.en, where) from None
    number = parse_number(value, where)
    if not lever.lo <= number <= lever.hi:
        raise PlannerError(f"{lever_id} = {number:g} ngoài khoảng cho phép [{lever.lo:g}, {lever.hi:g}]",
                           f"{lever_id} = {number:g} outside the allowed range [{lever.lo:g}, {lever.hi:g}]",
                           where)
    return number


def check_tolerance(pack: Pack, target_id: str, value: Any, where: str = "") -> float:
    """A full-coverage target's tolerance: the target is met from 100 % − tolerance."""
    where = where or target_id
    try:
        target = pack.target(target_id)
    except PlannerError as exc:
        raise PlannerError(exc.vi, exc.en, where) from None
    if target.rule != "full":
        raise PlannerError(f"chỉ tiêu '{target_id}' không phải chỉ tiêu bao phủ toàn bộ (100 %), không có dung sai",
                           f"target '{target_id}' is not a full-coverage (100 %) target: it has no tolerance", where)
    number = parse_number(value, where)
    if not 0 <= number <= MAX_TOLERANCE:
        raise PlannerError(f"dung sai phải từ 0 đến {MAX_TOLERANCE:g} (tức 0–{MAX_TOLERANCE * 100:g} điểm %)",
                           f"the tolerance must be from 0 to {MAX_TOLERANCE:g} (0–{MAX_TOLERANCE * 100:g} "
                           "percentage points)", where)
    return number


def with_tolerances(pack: Pack, tolerances: dict[str, float]) -> Pack:
    """The pack with some full-coverage targets' tolerances set by the scenario."""
    if not tolerances:
        return pack
    targets = tuple(replace(t, tolerance=tolerances[t.id]) if t.id in tolerances else t for t in pack.targets)
    return replace(pack, targets=targets)


@dataclass(frozen=True)
class Resolved:
    """A scenario made ready for the engine."""

    pack: Pack
    preset: str
    values: dict[str, float]
    settings: Settings
    name: str = ""
    note: str = ""
    evidence: Evidence | None = None  # the actual figures the projection starts from

    @property
    def changed(self) -> dict[str, tuple[float, float]]:
        """Levers that differ from the preset: id → (preset value, scenario value)."""
        base = self.pack.preset(self.preset)
        return {k: (base[k], v) for k, v in self.values.items() if not math.isclose(v, base[k], abs_tol=1e-12)}


def validate(data: Any, where: str = "scenario") -> dict[str, Any]:
    """Check a scenario dict (from JSON, a form or the store); return a clean copy or raise."""
    if not isinstance(data, dict):
        raise PlannerError("kịch bản phải là một đối tượng JSON", "a scenario must be a JSON object", where)
    unknown = set(data) - SCENARIO_KEYS
    if unknown:
        raise PlannerError(f"khóa không được phép: {', '.join(sorted(map(str, unknown)))}",
                           f"keys not allowed: {', '.join(sorted(map(str, unknown)))}", where)
    pack = load_pack(str(data.get("pack", DEFAULT_PACK)))
    preset = str(data.get("preset", DEFAULT_PRESET))
    if preset not in PRESETS or preset not in pack.presets:
        raise PlannerError(f"kịch bản mẫu '{preset[:40]}' không có; có: {', '.join(pack.presets)}",
                           f"preset '{preset[:40]}' unknown; known: {', '.join(pack.presets)}", f"{where}: preset")
    levers = data.get("levers", {}) or {}
    if not isinstance(levers, dict):
        raise PlannerError("'levers' phải là một đối tượng", "'levers' must be an object", f"{where}: levers")
    clean_levers = {str(k): check_lever(pack, str(k), v, f"{where}: levers.{k}") for k, v in levers.items()}
    out = new_scenario(pack.id, preset)
    out["levers"] = clean_levers
    for key in ("name", "note"):
        text = data.get(key, "") or ""
        if not isinstance(text, str):
            raise PlannerError("phải là chuỗi ký tự", "must be text", f"{where}: {key}")
        if len(text) > MAX_TEXT:
            raise PlannerError(f"dài quá {MAX_TEXT} ký tự", f"longer than {MAX_TEXT} characters", f"{where}: {key}")
        out[key] = text
    if data.get("uncertainty") is not None:
        out["uncertainty"] = parse_number(data["uncertainty"], f"{where}: uncertainty")
    for key, high in (("draws", MAX_DRAWS), ("seed", 2**63 - 1)):
        if data.get(key) is not None:
            number = parse_number(data[key], f"{where}: {key}")
            if number != int(number) or not (1 if key == "draws" else 0) <= number <= high:
                raise PlannerError(f"phải là số nguyên từ {1 if key == 'draws' else 0} đến {high}",
                                   f"must be a whole number from {1 if key == 'draws' else 0} to {high}",
                                   f"{where}: {key}")
            out[key] = int(number)
    if data.get("window_start") is not None:
        out["window_start"] = check_window_start(pack, data["window_start"], f"{where}: window_start")
    tolerance = data.get("tolerance") or {}
    if not isinstance(tolerance, dict):
        raise PlannerError("'tolerance' phải là một đối tượng {chỉ tiêu: dung sai}",
                           "'tolerance' must be an object {target: tolerance}", f"{where}: tolerance")
    out["tolerance"] = {str(k): check_tolerance(pack, str(k), v, f"{where}: tolerance.{k}")
                        for k, v in tolerance.items()}
    if data.get("as_of") is not None:
        out["as_of"] = check_as_of(pack, data["as_of"], f"{where}: as_of")
    if data.get("actuals") is not None:
        out["actuals"] = check_actuals(pack, data["actuals"], f"{where}: actuals")
    if data.get("fingerprint") is not None:
        text = data["fingerprint"]
        if not isinstance(text, str) or not 1 <= len(text) <= 16 or any(c not in "0123456789abcdef" for c in text):
            raise PlannerError("dấu vân tay số liệu phải là tối đa 16 chữ số hệ 16",
                               "the figures' fingerprint must be up to 16 hex digits", f"{where}: fingerprint")
        out["fingerprint"] = text
    Settings(out["draws"], out["seed"], out["uncertainty"])  # raises on bad run settings
    return out


def check_window_start(pack: Pack, value: Any, where: str = "window_start") -> int:
    number = parse_number(value, where)
    first, last = pack.base_year + 1, min(t.year for t in pack.targets)
    if number != int(number) or not first <= number <= last:
        raise PlannerError(f"năm bắt đầu tính thành lập mới phải từ {first} đến {last}",
                           f"first year counted for foundings must be from {first} to {last}", where)
    return int(number)


def check_actuals(pack: Pack, items: Any, where: str = "actuals") -> list[dict[str, Any]]:
    """The ``actuals`` key of a scenario: a list of {indicator, year, value} the pack models."""
    if not isinstance(items, list) or len(items) > MAX_ACTUALS:
        raise PlannerError(f"'actuals' phải là danh sách tối đa {MAX_ACTUALS} số liệu",
                           f"'actuals' must be a list of at most {MAX_ACTUALS} figures", where)
    out, seen = [], set()
    for i, item in enumerate(items):
        at = f"{where}[{i}]"
        if not isinstance(item, dict) or set(item) - {"indicator", "year", "value"} or len(item) != 3:
            raise PlannerError("mỗi số liệu là {indicator, year, value}", "each figure is {indicator, year, value}", at)
        ind = item["indicator"]
        if ind not in INDICATOR_BY_ID or ind not in pack.indicators:
            raise PlannerError(f"chỉ tiêu '{str(ind)[:40]}' không có trong gói", f"indicator '{str(ind)[:40]}' not in the pack", at)
        year = parse_number(item["year"], f"{at}.year")
        if year != int(year) or not pack.base_year <= year <= pack.horizon:
            raise PlannerError(f"năm phải từ {pack.base_year} đến {pack.horizon}",
                               f"the year must be from {pack.base_year} to {pack.horizon}", f"{at}.year")
        year = int(year)
        value = parse_number(item["value"], f"{at}.value")
        if value < 0 or (INDICATOR_BY_ID[ind].is_share and value > 1):
            raise PlannerError("giá trị ngoài khoảng cho phép", "value outside the allowed range", f"{at}.value")
        if (ind, year) in seen:
            raise PlannerError("một chỉ tiêu, một năm: chỉ một số liệu", "one figure per indicator and year", at)
        seen.add((ind, year))
        out.append({"indicator": ind, "year": year, "value": value})
    return out


def pinned_figures(pack: Pack, items: list[dict[str, Any]]) -> tuple[Observation, ...]:
    """A scenario's own figures as observations, with the pack's source and notes where it has the figure."""
    known = {(o.indicator, o.year): o for o in pack.actuals}
    out = []
    for item in items:
        obs = known.get((item["indicator"], item["year"]))
        if obs is not None and obs.value == item["value"]:
            out.append(replace(obs, use=True))
        else:
            out.append(Observation(item["indicator"], item["year"], item["value"]))
    return tuple(out)


def resolve(data: dict[str, Any], extra: tuple[Observation, ...] = (),
            switches: dict[str, bool] | None = None) -> Resolved:
    """Validate and turn a scenario dict into values, settings and evidence for the engine.

    The evidence: the scenario's own ``actuals`` when it pins them, else the pack's figures and
    ``extra`` ones with the user's ``switches``; ``as_of`` applies to both.  A fitted trend preset is
    refitted on the figures used.
    """
    clean = validate(data)
    pack = load_pack(clean["pack"])
    if clean.get("actuals") is not None:
        evidence = evidence_for(pack, pinned_figures(pack, clean["actuals"]) + tuple(extra), clean.get("as_of"),
                                pack_figures=False)
    else:
        evidence = evidence_for(pack, extra, clean.get("as_of"), switches)
    pack = refit(pack, evidence)
    pack = with_tolerances(pack, clean["tolerance"])
    values = pack.preset(clean["preset"])
    values.update(clean["levers"])
    settings = Settings(clean["draws"], clean["seed"], clean["uncertainty"], clean["window_start"])
    return Resolved(pack, clean["preset"], values, settings, clean["name"], clean["note"], evidence)


def figures_list(evidence: Evidence) -> list[dict[str, Any]]:
    """The figures used, as a scenario's ``actuals`` and the JSON's ``actuals_used``."""
    return [{"indicator": o.indicator, "year": int(o.year), "value": float(o.value)} for o in evidence.used]


def minimal(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario with only the levers that differ from its preset (for URLs, files, the store)."""
    res = resolve(data)
    out = {"pack": res.pack.id, "preset": res.preset,
           "levers": {k: v for k, (_, v) in res.changed.items()}}
    if res.name:
        out["name"] = res.name
    if res.note:
        out["note"] = res.note
    for key, default in (("uncertainty", 1.0), ("draws", DEFAULT_DRAWS), ("seed", DEFAULT_SEED),
                         ("window_start", None), ("as_of", None), ("actuals", None), ("fingerprint", None)):
        if data.get(key, default) != default:
            out[key] = data[key]
    defaults = {t.id: t.tolerance for t in load_pack(res.pack.id).targets}
    tolerance = {k: v for k, v in (data.get("tolerance") or {}).items() if abs(v - defaults.get(k, -1)) > 1e-12}
    if tolerance:
        out["tolerance"] = tolerance
    return out


def load_file(path: str | Path) -> dict[str, Any]:
    """A scenario JSON file, validated."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlannerError("không tìm thấy tệp", "file not found", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlannerError(f"không đọc được tệp ({exc.__class__.__name__})",
                           f"cannot read the file ({exc.__class__.__name__})", str(path)) from None
    return loads(text, str(path))


def loads(text: str, where: str = "scenario") -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlannerError(f"JSON sai ở dòng {exc.lineno}, cột {exc.colno}: {_json_reason_vi(exc.msg)}",
                           f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", where) from None
    except RecursionError:  # brackets nested thousands deep: no scenario looks like that
        raise PlannerError("JSON lồng nhau quá sâu; tệp kịch bản chỉ có một đối tượng với các giả định",
                           "JSON nested too deep; a scenario file is one object holding the assumptions",
                           where) from None
    return validate(data, where)


# Python's JSON messages are English; the common ones in Vietnamese (the rest are quoted as they are).
_JSON_REASONS_VI = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải đặt trong dấu ngoặc kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Extra data": "còn dữ liệu thừa sau đối tượng JSON",
    "Unterminated string starting at": "chuỗi chưa đóng ngoặc kép",
    "Invalid control character at": "có ký tự điều khiển trong chuỗi",
}


def _json_reason_vi(msg: str) -> str:
    return next((vi for en, vi in _JSON_REASONS_VI.items() if msg.startswith(en)), msg)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(minimal(data), ensure_ascii=False, indent=2)


def lever_display(lever: Lever, value: float) -> float:
    """The number a person sees for a lever: percentages for rates and shares."""
    return value * 100 if lever.is_fraction else value


# --- URLs -------------------------------------------------------------------------------------
# The URL carries pack, preset, language and the levers that differ from the preset, so a link
# reproduces a scenario.  Anything unusable is dropped with a notice; it never stops the app.
URL_SETTINGS = ("uncertainty", "window_start", "as_of")
MAX_URL_VALUE = 64
# The figures a link was made with ("figs": indicator:year:value, comma separated) and their
# fingerprint ("fp"): opening the link after the figures changed can say so and show either.
MAX_URL_FIGURES = 3000


def figures_to_text(items: list[dict[str, Any]]) -> str:
    return ",".join(f"{i['indicator']}:{int(i['year'])}:{float(i['value']):.10g}" for i in items)


def figures_from_text(pack: Pack, text: str, where: str = "URL: figs") -> list[dict[str, Any]]:
    items = []
    for part in filter(None, text.split(",")):
        indicator, sep, rest = part.partition(":")
        year, sep2, value = rest.partition(":")
        if not (sep and sep2):
            raise PlannerError("số liệu phải có dạng chỉ_tiêu:năm:giá_trị", "figures must read indicator:year:value", where)
        items.append({"indicator": indicator, "year": year, "value": value})
    return check_actuals(pack, items, where)


def to_query(data: dict[str, Any], lang: str) -> dict[str, str]:
    """Query parameters for a scenario: only what differs from its preset."""
    small = minimal(data)
    out = {"pack": small["pack"], "preset": small["preset"], "lang": lang}
    out.update({k: f"{v:.10g}" for k, v in small["levers"].items()})
    for key in URL_SETTINGS:
        if key in small:
            out[key] = f"{small[key]:.10g}"
    if "fingerprint" in small:
        out["fp"] = small["fingerprint"]
    if "actuals" in small:
        out["figs"] = figures_to_text(small["actuals"])
    if small.get("tolerance"):  # one parameter: tolerance=digital_2030:0.01,households_2045:0.02
        out["tolerance"] = ",".join(f"{k}:{v:.6g}" for k, v in sorted(small["tolerance"].items()))
    return out


def from_query(params: dict[str, str]) -> tuple[dict[str, Any], str, list[PlannerError]]:
    """A scenario, a language and notices from query parameters; bad parts are ignored, not fatal."""
    notices: list[PlannerError] = []

    def notice(key: str, vi: str, en: str) -> None:
        notices.append(PlannerError(vi, en, f"URL: {key[:MAX_URL_VALUE]}"))

    params = {str(k): str(v) for k, v in params.items()}
    lang = params.pop("lang", "vi")
    if lang not in ("vi", "en"):
        notice("lang", "ngôn ngữ không hợp lệ, dùng tiếng Việt", "invalid language, Vietnamese used")
        lang = "vi"
    data = new_scenario()
    pack_id = params.pop("pack", DEFAULT_PACK)
    try:
        pack = load_pack(pack_id)
        data["pack"] = pack.id
    except PlannerError:
        notice("pack", f"gói kế hoạch không có, dùng {DEFAULT_PACK}", f"unknown plan pack, {DEFAULT_PACK} used")
        pack = load_pack(DEFAULT_PACK)
    preset = params.pop("preset", DEFAULT_PRESET)
    if preset in pack.presets:
        data["preset"] = preset
    else:
        notice("preset", f"kịch bản mẫu không có, dùng {DEFAULT_PRESET}", f"unknown preset, {DEFAULT_PRESET} used")
    for key, raw in params.items():
        if len(raw) > (MAX_URL_FIGURES if key == "figs" else MAX_URL_VALUE):
            notice(key, "giá trị quá dài, bỏ qua", "value too long, ignored")
            continue
        try:
            if key == "uncertainty":
                value = parse_number(raw, key)
                Settings(uncertainty=value)
                data["uncertainty"] = value
            elif key == "tolerance":
                for part in filter(None, raw.split(",")):
                    target_id, _, text = part.partition(":")
                    try:
                        data["tolerance"][target_id] = check_tolerance(pack, target_id, text, key)
                    except PlannerError as exc:
                        notices.append(PlannerError(f"{exc.vi}; bỏ qua", f"{exc.en}; ignored",
                                                    f"URL: tolerance {target_id[:MAX_URL_VALUE]}"))
            elif key == "window_start":
                data["window_start"] = check_window_start(pack, raw, key)
            elif key == "as_of":
                data["as_of"] = check_as_of(pack, raw, key)
            elif key == "fp":
                data["fingerprint"] = validate({"pack": pack.id, "fingerprint": raw}, "URL")["fingerprint"]
            elif key == "figs":
                data["actuals"] = figures_from_text(pack, raw)
            elif key not in {lv.id for lv in pack.levers}:
                notice(key, "tham số không dùng được, bỏ qua", "unknown parameter, ignored")
            else:
                data["levers"][key] = check_lever(pack, key, raw)
        except PlannerError as exc:
            notices.append(PlannerError(f"{exc.vi}; bỏ qua", f"{exc.en}; ignored", f"URL: {key[:MAX_URL_VALUE]}"))
    return data, lang, notices
