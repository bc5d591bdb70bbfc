"""Live demand after self-service deflection (planner.demand)."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest

from planner.demand import LIVE_COLUMNS, closed_hours_rows, live_demand, open_mask, opening_hours_text
from planner.types import Channel, Deflection, InputError, Scenario, Segment, Settings
from tests.conftest import SMALL_START


def _one_pair_scenario(share: float, containment: float, multiplier: float,
                       contacts: float = 100.0) -> Scenario:
    """One voice channel, one segment, one interval of forecast at 10:00."""
    voice = Channel("voice", "voice", aht_seconds=300.0)
    segment = Segment("all", prefers_human_share=0.5, max_self_service_share=0.9)
    forecast = pd.DataFrame({"interval_start": [pd.Timestamp("2026-01-05 10:00")],
                             "channel": ["voice"], "segment": ["all"], "contacts": [contacts],
                             "aht_seconds": [np.nan]})
    deflections = (Deflection("all", "voice", self_service_share=share, containment_rate=containment,
                              escalation_channel="voice", escalation_aht_multiplier=multiplier),)
    return Scenario("one pair", Settings(start_date=date(2026, 1, 5), days=1), (voice,), (segment,),
                    forecast, deflections=deflections)


def _total_workload(scenario: Scenario) -> float:
    return float(live_demand(scenario)["live_workload_erlangs"].sum())


def test_columns_and_one_row_per_interval_channel_segment(small_scenario):
    live = live_demand(small_scenario)
    assert tuple(live.columns) == LIVE_COLUMNS
    assert len(live) == 96 * 3 * 3
    assert not live.duplicated(["interval_start", "channel", "segment"]).any()
    assert (live[["offered", "live_contacts", "live_workload_erlangs"]] >= 0).all().all()


def test_zero_deflection_is_the_identity(small_scenario):
    plain = small_scenario.replace(deflections=())
    live = live_demand(plain)
    np.testing.assert_array_equal(live["live_contacts"], live["offered"])
    assert (live[["self_service_attempts", "contained", "escalated_out", "escalated_in"]] == 0).all().all()
    # AHT = channel AHT × segment multiplier, workload = contacts × AHT / 900 s.
    aht = {(c.name, s.name): c.aht_seconds * s.aht_multiplier
           for c in plain.channels for s in plain.segments}
    expected_aht = np.array([aht[k] for k in zip(live["channel"], live["segment"], strict=True)])
    np.testing.assert_allclose(live["live_aht_seconds"], expected_aht, rtol=1e-12)
    np.testing.assert_allclose(live["live_workload_erlangs"], live["offered"] * expected_aht / 900.0,
                               rtol=1e-12)
    # Overriding every share to 0 is the same identity.
    zero = {(d.segment, d.channel): 0.0 for d in small_scenario.deflections}
    pd.testing.assert_frame_equal(live_demand(small_scenario, zero), live)


def test_conservation_per_row_and_per_segment(small_scenario):
    live = live_demand(small_scenario)
    np.testing.assert_allclose(live["contained"] + live["direct_live"] + live["escalated_out"],
                               live["offered"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(live["self_service_attempts"], live["contained"] + live["escalated_out"],
                               rtol=0, atol=1e-9)
    by_segment = live.groupby(["interval_start", "segment"])[
        ["offered", "contained", "live_contacts", "escalated_in", "escalated_out"]].sum()
    np.testing.assert_allclose(by_segment["escalated_in"], by_segment["escalated_out"], atol=1e-9)
    np.testing.assert_allclose(by_segment["contained"] + by_segment["live_contacts"],
                               by_segment["offered"], atol=1e-9)
    assert live["contained"].sum() > 0 and live["escalated_out"].sum() > 0


def test_deflection_arithmetic_on_one_pair():
    live = live_demand(_one_pair_scenario(share=0.4, containment=0.5, multiplier=1.5))
    row = live[live["offered"] > 0].iloc[0]
    assert row["self_service_attempts"] == pytest.approx(40.0)
    assert row["contained"] == pytest.approx(20.0)
    assert row["escalated_out"] == pytest.approx(20.0)
    assert row["escalated_in"] == pytest.approx(20.0)
    assert row["direct_live"] == pytest.approx(60.0)
    assert row["live_contacts"] == pytest.approx(80.0)
    # contact-weighted mix: (60 × 300 + 20 × 450) / 80 = 337.5 s
    assert row["live_aht_seconds"] == pytest.approx(337.5)
    assert row["live_workload_erlangs"] == pytest.approx(80 * 337.5 / 900.0)


def test_practitioner_figure_twenty_percent_deflection_saves_about_ten_percent_of_work():
    """Issue 3 quotes practitioners: 20 % deflection often saves only ~10 % of agent workload,
    and vendor containment (40–60 %) overstates net deflection (10–25 %). With a vendor-style
    containment of 50 % on 40 % of contacts (net deflection 20 %) and escalations 1.5× as long,
    the live workload is 0.6 + 0.2 × 1.5 = 0.9 of the original: 10 % saved."""
    base = _total_workload(_one_pair_scenario(share=0.0, containment=0.5, multiplier=1.5))
    live = live_demand(_one_pair_scenario(share=0.4, containment=0.5, multiplier=1.5))
    net_deflection = live["contained"].sum() / live["offered"].sum()
    saved = 1.0 - live["live_workload_erlangs"].sum() / base
    assert net_deflection == pytest.approx(0.20)
    assert saved == pytest.approx(0.10)


def test_residual_aht_effect_twenty_percent_containment_saves_less_than_twenty_percent():
    base = _total_workload(_one_pair_scenario(share=0.0, containment=0.2, multiplier=1.0))
    # everything tried in self-service, 20 % contained
    savings = [1.0 - _total_workload(_one_pair_scenario(1.0 * 0.9, 0.2 / 0.9, m)) / base
               for m in (1.0, 1.2, 1.5, 2.0)]
    assert savings[0] == pytest.approx(0.20)        # equal AHT: saving = containment
    assert all(s < 0.20 for s in savings[1:])       # longer escalations: saving < 20 %
    assert all(a > b for a, b in itertools.pairwise(savings))  # and falls with the multiplier


def test_escalation_to_another_channel_uses_its_aht_in_the_same_interval(small_scenario):
    live = live_demand(small_scenario).set_index(["interval_start", "channel", "segment"])
    noon = pd.Timestamp(SMALL_START) + pd.Timedelta(hours=12)
    chat_retail = live.loc[(noon, "chat", "retail")]
    voice_retail = live.loc[(noon, "voice", "retail")]
    # retail chat: 40 % to the bot, 50 % contained, the rest escalate to *voice*
    assert chat_retail["escalated_out"] == pytest.approx(chat_retail["offered"] * 0.4 * 0.5)
    assert chat_retail["escalated_in"] == 0.0
    assert voice_retail["escalated_in"] == pytest.approx(chat_retail["escalated_out"])
    voice_aht = 300.0 * 1.0
    expected = (voice_retail["direct_live"] * voice_aht
                + voice_retail["escalated_in"] * voice_aht * 1.5) / voice_retail["live_contacts"]
    assert voice_retail["live_aht_seconds"] == pytest.approx(expected)


def test_forecast_aht_overrides_the_default(small_scenario):
    forecast = small_scenario.forecast.copy()
    forecast["aht_seconds"] = np.where(forecast["channel"] == "email", 1000.0, np.nan)
    live = live_demand(small_scenario.replace(forecast=forecast, deflections=()))
    email = live[(live["channel"] == "email") & (live["live_contacts"] > 0)]
    np.testing.assert_allclose(email["live_aht_seconds"], 1000.0)
    voice = live[(live["channel"] == "voice") & (live["segment"] == "healthcare")]
    np.testing.assert_allclose(voice["live_aht_seconds"], 300.0 * 1.3)


def test_voice_contacts_while_closed_name_channel_interval_and_count(small_scenario):
    forecast = small_scenario.forecast.copy()
    at_night = ((forecast["channel"] == "voice") & (forecast["segment"] == "tech")
                & (forecast["interval_start"] == pd.Timestamp("2026-01-05 22:00")))
    forecast.loc[at_night, "contacts"] = 7.0
    with pytest.raises(InputError) as caught:
        live_demand(small_scenario.replace(forecast=forecast))
    message = str(caught.value)
    assert "'voice'" in message and "closed" in message
    assert "Mon 2026-01-05 22:00" in message and "7 contacts" in message
    assert [p.field for p in caught.value.problems] == ["contacts"]


def test_email_outside_opening_hours_is_accepted(small_scenario):
    live = live_demand(small_scenario)
    night_email = live[(live["channel"] == "email")
                       & (live["interval_start"] == pd.Timestamp("2026-01-05 02:00"))]
    assert night_email["live_contacts"].sum() > 0


def test_closed_hours_rows_names_each_offending_row_with_its_opening_hours(small_scenario):
    weekdays_voice = Channel("voice", "voice", aht_seconds=300.0, open_minute=7 * 60,
                             close_minute=22 * 60, open_days=frozenset(range(5)))
    channels = (weekdays_voice, *small_scenario.channels[1:])
    forecast = pd.DataFrame({
        "interval_start": pd.to_datetime(["2026-01-05 06:00", "2026-01-05 07:00", "2026-01-10 10:00",
                                          "2026-01-05 02:00", "2026-01-05 23:00", "2026-01-05 06:15"]),
        "channel": ["voice", "voice", "voice", "email", "chat", "voice"],
        "segment": "tech",
        "contacts": [3.0, 5.0, 1.0, 9.0, 2.0, 0.0],
        "aht_seconds": np.nan,
    }, index=[10, 11, 12, 13, 14, 15])
    closed = closed_hours_rows(forecast, channels)
    # 06:00 Monday (before opening), Saturday (not an open day), chat at 23:00; not the open
    # 07:00 row, not email at night (it queues), not a zero at 06:15.
    assert closed.index.tolist() == [10, 12, 14]
    assert closed["channel"].tolist() == ["voice", "voice", "chat"]
    assert closed["message"].tolist() == [
        "is closed on Mon 06:00; contacts must be 0 outside opening hours 07:00–22:00 Mon–Fri",
        "is closed on Sat 10:00; contacts must be 0 outside opening hours 07:00–22:00 Mon–Fri",
        "is closed on Mon 23:00; contacts must be 0 outside opening hours 08:00–20:00 every day",
    ]
    assert closed_hours_rows(small_scenario.forecast, small_scenario.channels).empty


@pytest.mark.parametrize(("open_minute", "close_minute", "days", "text"), [
    (0, 1440, frozenset(range(7)), "00:00–24:00 every day"),
    (22 * 60, 6 * 60, frozenset({0, 2, 5}), "22:00–06:00 Mon, Wed, Sat"),
    (8 * 60, 18 * 60, frozenset({5, 6}), "08:00–18:00 Sat–Sun"),
])
def test_opening_hours_text(open_minute, close_minute, days, text):
    channel = Channel("c", "voice", aht_seconds=60.0, open_minute=open_minute,
                      close_minute=close_minute, open_days=days)
    assert opening_hours_text(channel) == text


def test_escalation_into_a_closed_channel_is_an_input_error(small_scenario):
    # chat open 24 h now, voice still 08–20: retail chat escalations at night hit closed voice.
    channels = tuple(c if c.name != "chat" else Channel(
        "chat", "chat", aht_seconds=480.0, concurrency=2, open_minute=0, close_minute=1440)
        for c in small_scenario.channels)
    forecast = small_scenario.forecast.copy()
    night = ((forecast["channel"] == "chat") & (forecast["segment"] == "retail")
             & (forecast["interval_start"] == pd.Timestamp("2026-01-05 23:00")))
    forecast.loc[night, "contacts"] = 10.0
    with pytest.raises(InputError, match=r"'voice'.*23:00 \(2 contacts\)"):
        live_demand(small_scenario.replace(channels=channels, forecast=forecast))


def test_off_grid_and_duplicate_forecast_rows_are_input_errors(small_scenario):
    forecast = small_scenario.forecast.copy()
    forecast.loc[0, "interval_start"] = pd.Timestamp("2026-01-05 00:07")
    with pytest.raises(InputError, match="15-minute intervals"):
        live_demand(small_scenario.replace(forecast=forecast))
    outside = small_scenario.forecast.copy()
    outside.loc[0, "interval_start"] = pd.Timestamp("2026-01-09 00:00")
    with pytest.raises(InputError, match=r"1 rows are not, e\.g\. 2026-01-09"):
        live_demand(small_scenario.replace(forecast=outside))
    doubled = pd.concat([small_scenario.forecast, small_scenario.forecast.iloc[:1]], ignore_index=True)
    with pytest.raises(InputError, match="duplicated"):
        live_demand(small_scenario.replace(forecast=doubled))


def test_bad_forecast_aht_is_named(small_scenario):
    forecast = small_scenario.forecast.copy()
    forecast.loc[5, "aht_seconds"] = -3.0
    with pytest.raises(InputError, match=r"aht_seconds forecast AHT must be > 0.*-3\.0"):
        live_demand(small_scenario.replace(forecast=forecast))


def test_share_overrides_are_checked_and_applied(small_scenario):
    with pytest.raises(ValueError, match=r"must be in \[0, 0.4\].*0.5"):
        live_demand(small_scenario, {("healthcare", "voice"): 0.5})
    with pytest.raises(ValueError, match="no deflection is defined"):
        live_demand(small_scenario, {("healthcare", "email"): 0.1})
    more = live_demand(small_scenario, {("tech", "chat"): 0.8})
    base = live_demand(small_scenario)
    pick = (base["channel"] == "chat") & (base["segment"] == "tech")
    assert more.loc[pick, "contained"].sum() == pytest.approx(base.loc[pick, "contained"].sum() * 0.8 / 0.5)
    assert more.loc[pick, "live_contacts"].sum() < base.loc[pick, "live_contacts"].sum()


def test_open_mask_daytime_overnight_and_days():
    starts = pd.date_range("2026-01-05", periods=7 * 24, freq="60min")  # Mon..Sun hourly
    day = Channel("v", "voice", aht_seconds=60, open_minute=8 * 60, close_minute=20 * 60,
                  open_days=frozenset({0, 1, 2, 3, 4}))
    mask = open_mask(day, starts)
    assert mask.sum() == 5 * 12
    assert mask[8] and not mask[20] and not mask[7] and not mask[5 * 24 + 10]
    night = Channel("n", "voice", aht_seconds=60, open_minute=22 * 60, close_minute=6 * 60,
                    open_days=frozenset({0}))
    mask = open_mask(night, starts)
    # Monday 22:00–24:00 and Tuesday 00:00–06:00 (the part after midnight belongs to Monday)
    assert list(np.flatnonzero(mask)) == [22, 23, 24, 25, 26, 27, 28, 29]
    always = Channel("a", "voice", aht_seconds=60, open_minute=0, close_minute=0)
    assert open_mask(always, starts).all()


def test_a_week_with_thirty_minute_intervals_keeps_volume(scenario_builder):
    scenario = scenario_builder(days=7, interval_minutes=30)
    live = live_demand(scenario)
    assert len(live) == 7 * 48 * 9
    assert live["offered"].sum() == pytest.approx(scenario.forecast["contacts"].sum())
