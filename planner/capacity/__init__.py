"""Long-term capacity planning: whom to hire and when, under attrition, training, ramp-up and
uncertainty.

Modules (one concept each): :mod:`~planner.capacity.inputs` (typed inputs and their checks),
:mod:`~planner.capacity.requirement` (required FTE per week from the staffing model and the
measured schedule efficiency), :mod:`~planner.capacity.rollforward` (the NICE roll-forward and
the cohort coefficients), :mod:`~planner.capacity.scenarios` (seeded volume and attrition draws),
:mod:`~planner.capacity.model` (the two-stage hiring MIP), :mod:`~planner.capacity.baseline`
(the rule-based what-if), :mod:`~planner.capacity.report` (tables, risk, reasons) and
:mod:`~planner.capacity.plan` (:func:`plan_capacity`, the whole run).
"""

from planner.capacity.inputs import (
    CapacityGroup,
    CapacityInputs,
    CapacitySettings,
    Headcount,
    HireClass,
    TenureBucket,
)
from planner.capacity.plan import CapacityPlan, plan_capacity

__all__ = [
    "CapacityGroup",
    "CapacityInputs",
    "CapacityPlan",
    "CapacitySettings",
    "Headcount",
    "HireClass",
    "TenureBucket",
    "plan_capacity",
]
