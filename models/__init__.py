"""Persistence of scenarios, plans and jobs (created in the web issue)."""
