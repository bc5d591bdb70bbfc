"""Shared fixtures: a small scenario built in code (one day, 3 channels × 3 segments).

``small_scenario`` is used by several test modules; keep its numbers stable. Variants are built
with :func:`build_small_scenario` (keyword overrides) or the ``scenario_builder`` fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from planner.types import Channel, Deflection, Scenario, Segment, Settings, StaffingGroup

SMALL_START = date(2026, 1, 5)  # a Monday

SMALL_CHANNELS: tuple[Channel, ...] = (
    Channel("voice", "voice", aht_seconds=300.0, service_level=0.8, answer_seconds=20.0,
            max_occupancy=0.85, shrinkage=0.30, open_minute=8 * 60, close_minute=20 * 60),
    Channel("chat", "chat", aht_seconds=480.0, service_level=0.8, answer_seconds=60.0,
            max_occupancy=0.85, concurrency=2, shrinkage=0.25, open_minute=8 * 60,
            close_minute=20 * 60),
    Channel("email", "email", aht_seconds=600.0, service_level=None, answer_seconds=None,
            response_hours=4.0, max_occupancy=0.90, shrinkage=0.20, open_minute=8 * 60,
            close_minute=18 * 60),
)

SMALL_SEGMENTS: tuple[Segment, ...] = (
    Segment("tech", prefers_human_share=0.3, max_self_service_share=0.8, aht_multiplier=0.9),
    Segment("healthcare", prefers_human_share=0.8, max_self_service_share=0.4, aht_multiplier=1.3),
    Segment("retail", prefers_human_share=0.5, max_self_service_share=0.6, aht_multiplier=1.0),
)

SMALL_DEFLECTIONS: tuple[Deflection, ...] = (
    Deflection("tech", "chat", self_service_share=0.5, containment_rate=0.6,
               escalation_channel="chat", escalation_aht_multiplier=1.3),
    Deflection("tech", "voice", self_service_share=0.3, containment_rate=0.5,
               escalation_channel="voice", escalation_aht_multiplier=1.2),
    Deflection("healthcare", "voice", self_service_share=0.2, containment_rate=0.3,
               escalation_channel="voice", escalation_aht_multiplier=1.4),
    Deflection("retail", "chat", self_service_share=0.4, containment_rate=0.5,
               escalation_channel="voice", escalation_aht_multiplier=1.5),
    Deflection("retail", "email", self_service_share=0.3, containment_rate=0.4,
               escalation_channel="email", escalation_aht_multiplier=1.2),
)

# Peak contacts per 15-minute interval per (channel, segment).
SMALL_PEAKS: dict[tuple[str, str], float] = {
    ("voice", "tech"): 12.0, ("voice", "healthcare"): 30.0, ("voice", "retail"): 20.0,
    ("chat", "tech"): 18.0, ("chat", "healthcare"): 4.0, ("chat", "retail"): 14.0,
    ("email", "tech"): 6.0, ("email", "healthcare"): 3.0, ("email", "retail"): 5.0,
}


def small_forecast(channels: tuple[Channel, ...] = SMALL_CHANNELS,
                   segments: tuple[Segment, ...] = SMALL_SEGMENTS,
                   interval_minutes: int = 15, days: int = 1,
                   start: date = SMALL_START) -> pd.DataFrame:
    """A smooth intraday curve: voice/chat within 08:00–20:00, email around the clock."""
    starts = pd.date_range(pd.Timestamp(start), periods=days * 1440 // interval_minutes,
                           freq=f"{interval_minutes}min")
    hour = starts.hour.to_numpy() + starts.minute.to_numpy() / 60.0
    shape = np.clip(np.sin(np.pi * (hour - 8.0) / 12.0), 0.0, None)  # 0 at 08:00 and 20:00
    scale = interval_minutes / 15.0
    rows = []
    for c in channels:
        for s in segments:
            peak = SMALL_PEAKS.get((c.name, s.name), 5.0) * scale
            if c.kind == "email":
                contacts = np.round(peak * (0.25 + 0.75 * shape), 2)
            else:
                contacts = np.round(peak * shape, 2)
            rows.append(pd.DataFrame({"interval_start": starts, "channel": c.name,
                                      "segment": s.name, "contacts": contacts,
                                      "aht_seconds": np.nan}))
    return pd.concat(rows, ignore_index=True)


def build_small_scenario(**overrides: Any) -> Scenario:
    """The small scenario; keyword arguments replace Scenario fields (forecast rebuilt if needed).

    Extra keywords ``interval_minutes`` and ``days`` change the settings and the forecast grid.
    """
    interval_minutes = overrides.pop("interval_minutes", 15)
    days = overrides.pop("days", 1)
    channels = overrides.pop("channels", SMALL_CHANNELS)
    segments = overrides.pop("segments", SMALL_SEGMENTS)
    settings = overrides.pop("settings", Settings(start_date=SMALL_START, days=days,
                                                  interval_minutes=interval_minutes))
    forecast = overrides.pop("forecast", None)
    if forecast is None:
        forecast = small_forecast(channels, segments, settings.interval_minutes, settings.days,
                                  settings.start_date)
    fields: dict[str, Any] = {
        "name": "small",
        "settings": settings,
        "channels": channels,
        "segments": segments,
        "forecast": forecast,
        "deflections": SMALL_DEFLECTIONS,
    }
    fields.update(overrides)
    return Scenario(**fields)


def dedicated_groups(scenario: Scenario) -> tuple[StaffingGroup, ...]:
    """One team per (channel, segment): the opposite of full pooling."""
    return tuple(StaffingGroup(f"{c.name}-{s.name}", c.name, (s.name,))
                 for c in scenario.channels for s in scenario.segments)


@pytest.fixture
def small_scenario() -> Scenario:
    """One Monday, 15-minute intervals, voice/chat/email × tech/healthcare/retail, with deflection."""
    return build_small_scenario()


@pytest.fixture
def scenario_builder() -> Callable[..., Scenario]:
    """:func:`build_small_scenario`, for tests that need a variant."""
    return build_small_scenario
