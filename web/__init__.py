"""The Flask shell of the planner (created in the web issue)."""
