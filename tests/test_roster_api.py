"""The roster through the API and the pages: stable person ids, ``?agent=``, one calendar per person."""

from __future__ import annotations

from typing import Any

pytest_plugins = ["tests.conftest_web"]


def test_export_agents_are_the_people_of_the_roster(planned: dict[str, Any]) -> None:
    client = planned["client"]
    plan = client.get(f"/api/plans/{planned['plan_id']}").get_json()
    url = plan["links"]["schedule"]
    shifts = client.get(url + "?format=json").get_json()["shifts"]
    agents = {s["agent"] for s in shifts}
    assert agents and all(a.startswith("A") and not a.startswith("Agent ") for a in agents)
    assert len(agents) == len(shifts)  # a one-day horizon: one shift per rostered person
    assert all(s["name"] and s["contract"] for s in shifts)
    page = client.get(f"/plans/{planned['plan_id']}").get_data(as_text=True)
    assert 'id="roster-grid"' in page and page.count('data-search="') == 140  # every person listed
    assert "pass every rule" in page


def test_agent_filter_and_one_calendar_per_person(planned: dict[str, Any]) -> None:
    client = planned["client"]
    url = client.get(f"/api/plans/{planned['plan_id']}").get_json()["links"]["schedule"]
    first = client.get(url + "?format=json").get_json()["shifts"][0]
    mine = client.get(url + f"?format=json&agent={first['agent']}").get_json()["shifts"]
    assert [s["agent"] for s in mine] == [first["agent"]]
    calendar = client.get(url + f"?format=ics&agent={first['agent']}")
    assert calendar.status_code == 200
    text = calendar.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 1 and first["name"] in text.replace("\r\n ", "")
    assert first["agent"] in calendar.headers["Content-Disposition"]
    bad = client.get(url + "?format=json&agent=Agent%20001")
    assert bad.status_code == 400
    error = bad.get_json()["error"]
    detail = error["details"][0]
    assert detail["location"] == "query.agent" and "unknown agent" in detail["message"]
