"""Session state of the app: one plain scenario dict, the language, and cached engine calls.

The scenario dict (``st.session_state["scenario"]``) is the single source of truth; widgets write
to it through callbacks, and the URL is rewritten from it at the end of each run.
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from planner.assess import assess, goal_seek, tornado
from planner.errors import PlannerError
from planner.model import project
from planner.packs import Pack, is_registered, load_pack, pack_ids
from planner.results import tidy_trajectories
from planner.scenario import (
    check_lever,
    dumps,
    from_query,
    minimal,
    new_scenario,
    resolve,
    to_query,
    validate,
)
from planner.store import ENV_VAR, ScenarioStore, default_store_target
from ui import precompute

SCENARIO = "scenario"
LANG = "lang"
NOTICES = "notices"
LATEST = "latest_scenario"  # {"data": the scenario}: a plain dict that deferred downloads can read


def tr(vi: str, en: str) -> str:
    """The text in the current language (Vietnamese first)."""
    return en if st.session_state.get(LANG, "vi") == "en" else vi


def lang() -> str:
    return st.session_state.get(LANG, "vi")


def multiselect_kept(label: str, options: list, default: list, key: str, format_func: Callable[[Any], str],
                     **kwargs: Any) -> list:
    """A multiselect whose choice survives a change of language.  The browser keeps the chips' words for
    a widget key, so the widget's key carries the language, and the choice is kept under ``key``."""
    kept = st.session_state.get(key, default)
    widget = f"{key}_{lang()}"
    st.session_state[widget] = [o for o in kept if o in options]

    def remember() -> None:
        st.session_state[key] = list(st.session_state[widget])

    return st.multiselect(label, options, key=widget, format_func=format_func, on_change=remember, **kwargs)


# The saved scenario open in the session goes into the link too (``saved`` = its id, ``v`` = the version
# it came from), so after F5 or from a shared link the next Save adds version n+1 to it.
SAVED_KEYS = ("saved", "v")


def init() -> None:
    """First run of a session: read the scenario from the URL; bad parts become notices."""
    if SCENARIO in st.session_state:
        return
    from ui import figures

    params = st.query_params.to_dict()
    saved = {k: str(params.pop(k)) for k in SAVED_KEYS if k in params}
    data, language, notices = from_query(params)
    st.session_state[LANG] = language
    messages = [n.message(language) for n in notices]
    if saved:
        # A link of only the saved scenario (and the language) opens it as stored; a full link keeps the
        # assumptions it carries (changes not yet saved when F5 was pressed) and only reopens the record.
        data, problem = _open_saved(saved, data, only_saved=not set(params) - {"lang"})
        if problem:
            messages.append(problem.message(language))
    _put(figures.opened(data))
    st.session_state[NOTICES] = messages


def _open_saved(saved: dict[str, str], data: dict[str, Any], only_saved: bool) -> tuple[dict[str, Any],
                                                                                         PlannerError | None]:
    """The scenario of a link that names a saved scenario, and a notice if that one cannot be opened."""
    from ui.saved import AS_VERSION_KEY, AUTHOR_KEY, LOADED, NAME_KEY, NOTE_KEY

    where = "URL: saved"
    raw_version = saved.get("v", "")
    try:
        if raw_version and not (raw_version.isdigit() and len(raw_version) <= 9):
            raise PlannerError("số phiên bản không hợp lệ", "invalid version number", "URL: v")
        version = int(raw_version) if raw_version else None
        record = store().get(saved.get("saved", "")[:64])
        stored = store().load(record.id, version)
    except PlannerError as exc:
        return data, PlannerError(f"không mở được kịch bản đã lưu ({exc.vi}); dùng các giả định của liên kết",
                                  f"the saved scenario cannot be opened ({exc.en}); the link's assumptions used",
                                  where)
    if only_saved:
        data = validate({**stored, "name": stored.get("name") or record.name})
    if data["pack"] != stored["pack"]:
        return data, PlannerError("kịch bản đã lưu thuộc gói kế hoạch khác; không gắn với liên kết này",
                                  "the saved scenario belongs to another plan pack; not linked", where)
    shown = version or record.version
    st.session_state[LOADED] = {"id": record.id, "version": shown, "name": record.name, "pack": stored["pack"]}
    st.session_state[NAME_KEY] = data.get("name") or record.name
    st.session_state[AUTHOR_KEY] = record.author
    st.session_state[NOTE_KEY] = data.get("note", "")
    st.session_state[AS_VERSION_KEY] = True
    return data, None


def scenario() -> dict[str, Any]:
    return st.session_state[SCENARIO]


def _put(data: dict[str, Any]) -> None:
    """The one way the scenario changes; a plain holder keeps a copy for deferred downloads, which run
    on another thread, without session state, when their button is pressed."""
    st.session_state[SCENARIO] = data
    st.session_state.setdefault(LATEST, {})["data"] = data


def scenario_file_maker() -> Callable[[], bytes]:
    """For ``st.download_button``: the scenario's JSON file as it is when the button is pressed (a slider
    may have moved since the button was drawn, rerunning only its own section)."""
    from ui import figures

    holder = st.session_state.setdefault(LATEST, {})
    holder.setdefault("data", scenario())
    # The figures in force, named now (the file is made on another thread, without the session): a
    # saved file records the as-of year and the figures it was made with.
    stamped = figures.engine_data(scenario())
    pins = {k: stamped[k] for k in ("actuals", "fingerprint") if k in stamped}
    return lambda: dumps({**holder["data"], **pins}).encode("utf-8")


def pack() -> Pack:
    """The scenario's pack; where its trend preset is fitted, refitted on the actual figures in force
    (the values the engine uses, so sliders, preset marks and 'changed' lists agree with it)."""
    base = load_pack(scenario()["pack"])
    if not base.fit_cells:
        return base
    from planner.monitoring import refit
    from ui import figures

    return refit(base, figures.in_force())


def key_of(data: dict[str, Any]) -> str:
    """A stable text key of a scenario for caching (only what changes results): with the actual figures
    in force written into it, so a changed figure is never answered from the cache."""
    from ui import figures

    small = minimal(figures.engine_data(data))
    small.pop("name", None)
    small.pop("note", None)
    return json.dumps(small, sort_keys=True)


def set_scenario(data: dict[str, Any]) -> None:
    """Replace the scenario (validated); on bad data keep the last good one and raise."""
    _put(validate(data))


def set_lever(lever_id: str, value: float) -> None:
    data = scenario()
    checked = check_lever(pack(), lever_id, value)
    preset_value = pack().preset(data["preset"])[lever_id]
    levers = dict(data["levers"])
    if abs(checked - preset_value) < 1e-12:
        levers.pop(lever_id, None)
    else:
        levers[lever_id] = checked
    _put({**data, "levers": levers})


def set_preset(name: str, keep_changes: bool = False) -> None:
    data = scenario()
    _put({**data, "preset": name, "levers": data["levers"] if keep_changes else {}})


def set_pack(pack_id: str) -> None:
    _put(new_scenario(pack_id))


def sync_url() -> None:
    """Rewrite the query string from the scenario (only when it changed, to avoid extra reruns)."""
    from ui import figures

    # The link carries the figures in force and their fingerprint: opened after they changed, it says so.
    wanted = to_query(figures.engine_data(scenario()), lang())
    opened = st.session_state.get("saved_loaded")  # ui.saved.LOADED: the saved scenario open, if any
    if opened and opened.get("pack") == scenario()["pack"]:
        wanted.update({"saved": str(opened["id"]), "v": str(opened["version"])})
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


# --- Cached engine calls (keyed on the scenario's text) -------------------------------------------

def assessment_rows(key: str) -> list[dict]:
    """The engine's scorecard rows for a scenario key (uncached: the one function computing them)."""
    res = resolve(json.loads(key))
    return [r.as_dict() for r in assess(res.pack, res.values, res.settings, evidence=res.evidence)]


@st.cache_data(max_entries=64, show_spinner=False)
def _assessment(key: str) -> list[dict]:
    return assessment_rows(key)


def assessment(data: dict[str, Any] | None = None) -> pd.DataFrame:
    """The scorecard rows of a scenario (default: the current one) as a DataFrame; a slider position
    computed ahead (``ui.precompute``, same key, same function) is used as it is."""
    key = key_of(data or scenario())
    rows = precompute.lookup(key)
    return pd.DataFrame(rows if rows is not None else _assessment(key))


@st.cache_data(max_entries=32, show_spinner=False)
def _trajectories(key: str) -> pd.DataFrame:
    res = resolve(json.loads(key))
    return tidy_trajectories(project(res.pack, res.values, res.settings, evidence=res.evidence))


def trajectories(data: dict[str, Any] | None = None) -> pd.DataFrame:
    """Tidy trajectories (year, indicator, deterministic, mean, p10, p50, p90)."""
    return _trajectories(key_of(data or scenario()))


@st.cache_data(max_entries=64, show_spinner=False)
def _goal_seek(key: str, target_id: str, lever_id: str, likelihood: float) -> dict:
    res = resolve(json.loads(key))
    return goal_seek(res.pack, res.values, target_id, lever_id, res.settings, likelihood, res.evidence).as_dict()


def goal_seek_result(target_id: str, lever_id: str, likelihood: float = 0.66) -> dict:
    return _goal_seek(key_of(scenario()), target_id, lever_id, likelihood)


@st.cache_data(max_entries=64, show_spinner=False)
def _tornado(key: str, target_id: str) -> list[dict]:
    res = resolve(json.loads(key))
    return [s.as_dict() for s in tornado(res.pack, res.values, target_id, res.settings, res.evidence)]


def tornado_rows(target_id: str) -> pd.DataFrame:
    return pd.DataFrame(_tornado(key_of(scenario()), target_id))


def _secret_store_target() -> str | None:
    """``[connections.planner] url = "postgresql://…"`` in the Streamlit secrets, if present."""
    try:
        return str(st.secrets["connections"]["planner"]["url"])
    except (KeyError, FileNotFoundError, AttributeError, TypeError):
        return None
    except Exception:  # noqa: BLE001 - a malformed secrets file: the environment or the default file
        return None


@st.cache_resource
def _base_store() -> ScenarioStore:
    """One store (one connection pool) per server process, shared by every session and thread.
    ``$PLANNER_DB`` wins over the secrets' connection, which wins over the default SQLite file."""
    from ui import auth  # imports this module: imported here, not at the top

    target: str | Path = default_store_target()
    if not os.environ.get(ENV_VAR, "").strip():
        target = _secret_store_target() or target
    return ScenarioStore(target, admins=auth.configured_admin_list())


def store() -> ScenarioStore:
    """The store acting for this session: for the signed-in person when sign-in is configured (their
    role checked by the store on every write), else as today, with the typed author."""
    from ui import auth

    return _base_store().as_actor(auth.actor())


def escape_markdown(text: str) -> str:
    """Text with every Markdown/HTML-significant character escaped, for alerts and help tooltips.

    Alerts (``st.error`` …) and help texts are Markdown: a file name, a JSON key or a note typed by
    someone must appear exactly as written, never as formatting or HTML.
    """
    out = []
    for ch in str(text):
        if ch in "\\`*_{}[]<>#+-.!|~$:&":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")
        else:
            out.append(ch)
    return "".join(out)


def show_error(exc: PlannerError) -> None:
    """A rejected input's message, escaped (it may quote a file name or a key a user typed)."""
    st.error(escape_markdown(exc.message(lang())), icon=":material/error:")


LOG = logging.getLogger("planner.app")


def show_failure(where: str) -> None:
    """An unexpected error (a bug, not bad input): logged in full for the administrator, and said to the
    user without a traceback or a link, with what to do and a time that finds the entry in the log."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    LOG.exception("unexpected error in %s [%s]", where, stamp)
    st.error(tr(f"Phần này của trang không hiển thị được do một lỗi của ứng dụng. Kịch bản của bạn vẫn được giữ "
                f"(trong đường liên kết và các kịch bản đã lưu). Hãy tải lại trang (phím F5); nếu lỗi lặp lại, "
                f"báo cho người quản trị kèm mã {stamp}.",
                f"This part of the page cannot be shown because of an error in the application. Your scenario "
                f"is kept (in the link and in the saved scenarios). Reload the page (F5); if the error comes "
                f"back, tell the administrator, quoting {stamp}."), icon=":material/error:")


def guarded(where: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A page part (a fragment, which reruns without app.py's boundary) that shows ``show_failure``
    instead of a traceback.  ``st.stop`` and ``st.rerun`` are not ``Exception``s and pass through."""
    def wrap(fn: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> None:
            try:
                fn(*args, **kwargs)
            except Exception:  # noqa: BLE001 - the boundary: whatever failed, the user gets a plain message
                show_failure(where)
        return run
    return wrap


# --- Actual figures (the pack's own, plus what the user uploaded this session) --------------------
ACTUALS = "uploaded_actuals"


def uploaded_actuals() -> tuple:
    """Observations the user uploaded for the current pack (kept per pack for the session)."""
    return st.session_state.get(ACTUALS, {}).get(scenario()["pack"], ())


def set_uploaded_actuals(observations: tuple) -> None:
    """Replace the uploaded actuals of the current pack (called only with validated data)."""
    st.session_state.setdefault(ACTUALS, {})[scenario()["pack"]] = tuple(observations)


# --- Plan packs: those on disk, plus the ones this session uploaded ---------------------------------
SESSION_PACKS = "session_packs"  # ids of packs uploaded in this session, in upload order


def session_packs() -> list[str]:
    return [i for i in st.session_state.get(SESSION_PACKS, []) if is_registered(i)]


def add_session_pack(pack_id: str) -> None:
    ids = st.session_state.setdefault(SESSION_PACKS, [])
    if pack_id not in ids:
        ids.append(pack_id)


@st.cache_data(ttl=20, show_spinner=False)
def _stored_heads(where: str) -> list[tuple[str, int, str, str]]:
    """(runtime id, version, author, saved at) of the latest version of each stored pack; read again
    every 20 s, so a pack saved in another process shows up without a database read on every rerun."""
    return [(p.runtime_id, p.version, p.author, p.saved_at) for p in _base_store().stored_packs()]


_STORED_FAILED: set[str] = set()


def stored_packs() -> list[tuple[str, int, str, str]]:
    """The stored packs, each registered so it loads by id in this process (checked again as it is read)."""
    import logging

    from planner.packs import register
    from planner.packs.archive import read_upload

    try:
        store = _base_store()
        heads = _stored_heads(store.where)
    except PlannerError:
        return []
    out = []
    for runtime_id, version, author, saved_at in heads:
        if not is_registered(runtime_id) and runtime_id not in _STORED_FAILED:
            pack_id = runtime_id.rsplit("-", 1)[0]
            try:
                pack, _ = read_upload([("pack.zip", store.pack_files(pack_id, version))])
                register(pack)
            except PlannerError as exc:  # a stored pack this release cannot read: left out, said in the log
                logging.getLogger("planner.packs").warning("stored pack %s v%s unreadable: %s", pack_id, version,
                                                           exc.message("en"))
                _STORED_FAILED.add(runtime_id)
                continue
        if is_registered(runtime_id):
            out.append((runtime_id, version, author, saved_at))
    return out


def stored_changed() -> None:
    _stored_heads.clear()


def available_packs() -> dict[str, str]:
    """Pack id -> name in the current language: the packs that load, then this session's uploads.

    A broken folder in data/ or PLANNER_PACKS is left out of the choice (``pack validate`` says why)
    rather than stopping the app for everyone.
    """
    names = {}
    stored = {runtime_id: (version, author) for runtime_id, version, author, _ in stored_packs()}
    uploaded = set(session_packs()) - set(stored)
    for pack_id in (*pack_ids(), *stored, *uploaded):
        if pack_id in names:
            continue
        try:
            names[pack_id] = load_pack(pack_id).name(lang())
        except PlannerError:
            continue
        if pack_id in stored:  # it may carry the name of a shipped pack it was copied from
            version, author = stored[pack_id]
            names[pack_id] += tr(f" · kho, bản {version}", f" · stored, version {version}") + (
                f" ({author})" if author else "")
        elif pack_id in uploaded:
            names[pack_id] += tr(" · tải lên", " · uploaded")
    return names
