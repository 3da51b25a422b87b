"""The safe-release rules of the pack, by area (each module exports ``POLICIES``); ``__main__.py`` adds
``releases.POLICIES`` to the pack. The deployment time they estimate is pricing_rollout.py's, shared with the
cost estimate (the green tasks of traffic-shifting deployments).

- releases_deployments.py: ecs-deployment-alarms, ecs-deployment-strategy, ecs-rollout-time (a stack policy)
- releases_notifications.py: cloudwatch-alarm-actions, sns-topic-encryption
"""

from __future__ import annotations

import releases_deployments
import releases_notifications
from pulumi_policy import Policy

POLICIES: list[Policy] = [
    *releases_deployments.POLICIES,
    *releases_notifications.POLICIES,
]
