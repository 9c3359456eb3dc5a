"""Actual figures in the app (AppTest): they change the Overview's numbers, the Data page says which are
used and why not, switches and the as-of year work, stored figures reach a new session, and a link
made before a figure changed says so."""

from __future__ import annotations

import pytest

from planner.store import ScenarioStore
from tests.apptest import open_app

DATA = "pages/data.py"
FOUNDINGS = "chỉ tiêu,năm,giá trị,nguồn\nnew_htx,2023,30,Sở Tài chính\nnew_htx,2024,35,Sở Tài chính\n" \
            "new_htx,2025,32,Sở Tài chính\n".encode()


def scorecard(at):
    return at.main.table[0].value


def row_of(at, label: str):
    table = scorecard(at)
    return table[table.iloc[:, 0] == label].iloc[0]


NEW_HTX = "Thành lập mới 180 hợp tác xã"


def test_an_uploaded_figure_changes_the_overviews_numbers(monkeypatch, tmp_path):
    db = tmp_path / "s.sqlite"
    at = open_app(monkeypatch, db, query={"preset": "plan-pace"})
    before = row_of(at, NEW_HTX)
    assert before["Đến nay (số liệu thực tế)"] == "–"
    at.switch_page(DATA).run()
    at.file_uploader(key="actuals_upload").upload("so-lieu.csv", FOUNDINGS, "text/csv")
    at.run()
    assert not at.exception
    at.switch_page("pages/overview.py").run()
    after = row_of(at, NEW_HTX)
    assert after["Đến nay (số liệu thực tế)"].startswith("đã thành lập 97/180 đến năm 2025")
    assert "54\u00a0% chặng đường" in after["Đến nay (số liệu thực tế)"]
    assert before["Xác suất đạt"] != after["Xác suất đạt"]
    assert int(after["Xác suất đạt"].rstrip(" %")) > 90 > int(before["Xác suất đạt"].rstrip(" %"))


def test_a_typed_figure_changes_the_overview_and_the_data_page_lists_it(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page=DATA, query={"preset": "plan-pace"})
    at.selectbox(key="actuals_entry_indicator").set_value("htx")
    at.number_input(key="actuals_entry_year").set_value(2025)
    at.text_input(key="actuals_entry_value").input("571")
    at.button[[b.label for b in at.button].index("Thêm số liệu")].click().run()
    assert not at.exception
    toggles = {t.label.replace("\\", ""): t for t in at.toggle}
    assert any(label.startswith("Số hợp tác xã 2025: 571") and t.value for label, t in toggles.items())
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Thử trong phiên này" in captions
    assert "Khác định nghĩa" in captions  # the pack's 09/2023 "operating effectively" is not used, and why
    at.switch_page("pages/overview.py").run()
    hightech = row_of(at, "Trên 80 HTX ứng dụng công nghệ cao")
    at2 = open_app(monkeypatch, tmp_path / "s2.sqlite", query={"preset": "plan-pace"})
    assert row_of(at2, "Trên 80 HTX ứng dụng công nghệ cao")["Dự báo (trung vị)"] != hightech["Dự báo (trung vị)"]


def test_a_switch_and_the_as_of_year_change_what_is_used(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page=DATA, query={"pack": "vietnam-nq20", "preset": "plan-pace"})
    effect = next(d.value for d in at.main.dataframe if "Từ số liệu thực tế" in d.value.columns)
    good = effect[effect["Chỉ tiêu"].str.startswith("Trên 60%")].iloc[0]
    assert good["Từ số liệu thực tế"] == "100\u00a0%" and good["Chỉ từ năm gốc"] != "100\u00a0%"
    key = "figure_use_vietnam-nq20_good_fair_share:2025"
    at.toggle(key=key).set_value(False).run()
    assert not at.exception
    assert at.session_state["figure_switches"]["vietnam-nq20"] == {"good_fair_share:2025": False}
    effect = next(d.value for d in at.main.dataframe if "Từ số liệu thực tế" in d.value.columns)
    good = effect[effect["Chỉ tiêu"].str.startswith("Trên 60%")].iloc[0]
    # without the 78.1 % the share starts from the pack's 50 % estimate again (the stock figures still count)
    change = good["Thay đổi (điểm\u00a0%)"]
    assert "-" not in change  # a fall is written with the minus sign
    assert abs(int(change.replace("\u2212", "-"))) < 10
    at.selectbox(key="figures_as_of").set_value("2024").run()
    assert at.session_state["scenario"]["as_of"] == 2024
    assert at.query_params["as_of"] in ("2024", ["2024"])
    effect = next(d.value for d in at.main.dataframe if "Từ số liệu thực tế" in d.value.columns)
    assert list(effect["Thay đổi (điểm\u00a0%)"]) == ["0"] * len(effect)  # no change has no sign


def test_a_stored_figure_is_used_by_a_new_session(monkeypatch, tmp_path):
    db = tmp_path / "s.sqlite"
    at = open_app(monkeypatch, db, page=DATA, query={"preset": "plan-pace"})
    at.file_uploader(key="actuals_upload").upload("so-lieu.csv", FOUNDINGS, "text/csv")
    at.run()
    at.text_input(key="figures_author").input("Phòng Kinh tế tập thể").run()
    at.button(key="figures_store_session").click().run()
    assert not at.exception
    assert ScenarioStore(db).figure_observations("hai-duong-2023")[0].value == 30
    fresh = open_app(monkeypatch, db, query={"preset": "plan-pace"})
    assert row_of(fresh, NEW_HTX)["Đến nay (số liệu thực tế)"].startswith("đã thành lập 97/180")
    # a correction keeps the old version, and the new session sees the corrected figure
    ScenarioStore(db).save_figure("hai-duong-2023", "new_htx", 2025, 40, author="Sở Tài chính")
    assert [f.value for f in ScenarioStore(db).figure_history("hai-duong-2023", "new_htx", 2025)] == [32, 40]
    fresh = open_app(monkeypatch, db, query={"preset": "plan-pace"})
    assert row_of(fresh, NEW_HTX)["Đến nay (số liệu thực tế)"].startswith("đã thành lập 105/180")


def test_a_link_made_before_a_figure_changed_says_so_and_offers_both(monkeypatch, tmp_path):
    db = tmp_path / "s.sqlite"
    at = open_app(monkeypatch, db, query={"preset": "plan-pace"})
    link = dict(at.query_params)
    link = {k: v[0] if isinstance(v, list) else v for k, v in link.items()}
    assert link["fp"] and set(link["figs"].split(",")) == {"htx:2023:524", "lhhtx:2023:1", "htx:2024:530"}
    before = row_of(at, NEW_HTX)["Xác suất đạt"]
    ScenarioStore(db).save_figure("hai-duong-2023", "new_htx", 2023, 45, author="Sở Tài chính")
    opened = open_app(monkeypatch, db, query=link)
    warnings = " ".join(w.value for w in opened.warning).replace("\\", "")
    assert "đã thay đổi" in warnings and link["fp"] in warnings
    now = row_of(opened, NEW_HTX)
    assert now["Xác suất đạt"] != before and now["Đến nay (số liệu thực tế)"].startswith("đã thành lập 45/180")
    opened.button(key="figures_use_opened").click().run()
    assert row_of(opened, NEW_HTX)["Xác suất đạt"] == before
    assert "lúc kịch bản được tạo" in " ".join(w.value for w in opened.warning)
    opened.button(key="figures_use_current").click().run()
    assert row_of(opened, NEW_HTX)["Xác suất đạt"] == now["Xác suất đạt"]


@pytest.mark.parametrize("lang", ["en"])
def test_the_figures_tab_reads_in_english(monkeypatch, tmp_path, lang):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page=DATA, lang=lang)
    text = " ".join(i.value for i in at.info).replace("\\", "")
    assert "In force: 3 actual figures: 3 from the plan pack" in text
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Another definition" in captions


def test_a_base_year_figure_is_said_to_replace_the_packs_estimate(monkeypatch, tmp_path):
    at = open_app(monkeypatch, tmp_path / "s.sqlite", page=DATA)
    at.selectbox(key="actuals_entry_indicator").set_value("hightech")
    at.number_input(key="actuals_entry_year").set_value(2022)
    at.text_input(key="actuals_entry_value").input("30")
    at.button[[b.label for b in at.button].index("Thêm số liệu")].click().run()
    assert not at.exception
    infos = " ".join(i.value for i in at.info).replace("\\", "")
    assert "dự báo dùng số liệu thực tế 30 thay cho 26 (ước tính) của gói" in infos
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "Thay số liệu năm gốc của gói (26, ước tính)" in captions


def test_a_scenario_file_made_before_a_figure_changed_says_so(monkeypatch, tmp_path):
    """A scenario file that records the figures it was made with (as the app's download does); opened
    after a stored figure changed, the Overview says so and can show either set."""
    import json

    from planner.scenario import dumps

    db = tmp_path / "s.sqlite"
    at = open_app(monkeypatch, db, page="pages/assumptions.py", query={"preset": "plan-pace"},
                  session={"saved_section_open": True})
    made = json.loads(dumps({**at.session_state["scenario"], "actuals": [
        {"indicator": "htx", "year": 2023, "value": 524}, {"indicator": "lhhtx", "year": 2023, "value": 1},
        {"indicator": "htx", "year": 2024, "value": 530}]}))
    assert made["actuals"] and "levers" in made
    ScenarioStore(db).save_figure("hai-duong-2023", "htx", 2025, 600, author="Sở Tài chính")
    fresh = open_app(monkeypatch, db, page="pages/assumptions.py", session={"saved_section_open": True})
    fresh.file_uploader(key="scenario_upload").upload("kich-ban.json", json.dumps(made).encode(), "application/json")
    fresh.run()
    assert not fresh.exception
    fresh.switch_page("pages/overview.py").run()
    warnings = " ".join(w.value for w in fresh.warning).replace("\\", "")
    assert "đã thay đổi" in warnings
    fresh.button(key="figures_use_opened").click().run()
    assert fresh.session_state["scenario"]["actuals"] == made["actuals"]


def test_the_sliders_show_the_trend_refitted_on_the_figures(monkeypatch, tmp_path):
    """National pack, trend preset: the HTX founding slider shows the value the engine uses, the fit on
    the series extended by the end-2025 figures (not the pack's fit to 2024)."""
    from planner.monitoring import evidence_for, refit
    from planner.packs import load_pack
    from ui.levers import widget_key

    at = open_app(monkeypatch, tmp_path / "s.sqlite", page="pages/assumptions.py",
                  query={"pack": "vietnam-nq20", "preset": "trend"})
    pack = load_pack("vietnam-nq20")
    fitted = refit(pack, evidence_for(pack)).preset("trend")["htx_new_per_year"]
    assert fitted != pack.preset("trend")["htx_new_per_year"]
    assert at.session_state[widget_key("htx_new_per_year")] == pytest.approx(fitted)
