"""The cost rules of the pack, by area (each module exports ``POLICIES``); ``__main__.py`` adds
``cost.POLICIES`` to the pack. (The monthly budget is budget.py, on pricing.py.)

- cost_tasks.py: fargate-task-size, fargate-max-task-size, fargate-spot-in-non-prod
- cost_network.py: nat-gateway-count (a stack policy)
- cost_logs.py: log-group-retention, container-insights
"""

from __future__ import annotations

import cost_logs
import cost_network
import cost_tasks
from pulumi_policy import Policy

POLICIES: list[Policy] = [
    *cost_tasks.POLICIES,
    *cost_network.POLICIES,
    *cost_logs.POLICIES,
]
