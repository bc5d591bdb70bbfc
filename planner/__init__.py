"""Contact-center workforce and capacity planner: the functional core (no Flask, no database)."""

__version__ = "0.1.0"
