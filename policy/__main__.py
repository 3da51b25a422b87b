"""The fargate-platform policy pack: assembles the rules of each area. Started by the Pulumi CLI as
``python -m pulumi.policy <engine> <pack dir>``; the PolicyPack constructor serves gRPC and never returns,
so tests import the rule modules, never this file."""

import budget
import cost
import front_door
import releases
import reliability
import security
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    "fargate-platform",
    policies=(
        cost.POLICIES
        + security.POLICIES
        + reliability.POLICIES
        + releases.POLICIES
        + front_door.POLICIES
        + budget.POLICIES
    ),
    enforcement_level=EnforcementLevel.ADVISORY,
)
