"""The monthly-cost-budget stack policy (policy/budget.py), called as the SDK calls it: StackValidationArgs
with resources behind the unknown-checking proxy and the policy's config as Configure delivers it."""

from __future__ import annotations

import json
from typing import Any

import budget
import jsonschema
import pytest
from pulumi_policy import EnforcementLevel, StackValidationPolicy

HOURS = 730
ALB_HOUR, LCU_HOUR, IPV4_HOUR = 0.02646, 0.0084, 0.005  # eu-west-2, reference/pricing.md
X86_VCPU, X86_GB = 0.04656, 0.00511
US_ALB_TOTAL = HOURS * (0.0225 + 2 * 0.005 + 0.008)  # us-east-1: ALB hour, 2 IPv4, 1 LCU
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"


def money(value: float) -> str:
    return f"${value:,.2f}"


def alb(run: Any, **props: Any) -> Any:
    return run.res("aws:lb/loadBalancer:LoadBalancer", "alb", {"subnets": ["a", "b"], **props})


def provider(run: Any, region: str) -> Any:
    return run.res("pulumi:providers:aws", "default", {"region": region})


def alb_message(total: float, budget_usd: float, lcus: float = 1) -> str:
    """The message for an ALB-only stack; its three items named largest first."""
    items = [
        (ALB_HOUR * HOURS, f"alb ALB hours {money(ALB_HOUR * HOURS)}"),
        (2 * IPV4_HOUR * HOURS, f"alb ALB public IPv4 addresses (2 AZs) {money(2 * IPV4_HOUR * HOURS)}"),
        (lcus * LCU_HOUR * HOURS, f"alb ALB LCUs (assumed {lcus:g} LCU) {money(lcus * LCU_HOUR * HOURS)}"),
    ]
    largest = ", ".join(text for _, text in sorted(items, key=lambda i: i[0], reverse=True))
    return (
        f"Stack 'dev' estimated monthly cost {money(total)} (eu-west-2) must not exceed the budget of "
        f"{money(budget_usd)}; reduce the largest items ({largest}) or raise maxMonthlyUsd of "
        "monthly-cost-budget in the stack's policy config."
    )


def test_policy_shape_name_description_level_and_export() -> None:
    policy = budget.monthly_cost_budget
    assert isinstance(policy, StackValidationPolicy)
    assert [policy] == budget.POLICIES
    assert policy.name == "monthly-cost-budget"
    assert policy.description.startswith("Checks that ")
    assert policy.enforcement_level == EnforcementLevel.ADVISORY


def test_config_schema_every_property_has_default_and_description_and_defaults_validate() -> None:
    schema = budget.monthly_cost_budget.config_schema
    assert schema is not None
    for name, prop in schema.properties.items():
        assert "default" in prop and prop.get("description"), name
    assert schema.properties["maxMonthlyUsd"] == {
        "type": "number",
        "minimum": 0,
        "default": 500.0,
        "description": "The stack's monthly budget in USD; a higher estimate is a violation.",
    }
    assert schema.properties["albLcus"]["default"] == 1.0
    assert schema.properties["hoursPerMonth"]["default"] == 730.0
    full = {"type": "object", "properties": schema.properties}
    jsonschema.Draft7Validator(full).validate(budget.CONFIG_DEFAULTS)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(full).validate({"spotDiscount": 1.5})


def test_within_budget_reports_nothing(run: Any) -> None:
    assert run.stack(budget.monthly_cost_budget, [alb(run)], config={"region": "eu-west-2"}) == []


def test_over_budget_names_total_budget_largest_items_and_fix(run: Any) -> None:
    reported = run.stack(
        budget.monthly_cost_budget, [alb(run)], config={"region": "eu-west-2", "maxMonthlyUsd": 10.0}
    )

    total = HOURS * (ALB_HOUR + 2 * IPV4_HOUR + LCU_HOUR)
    assert reported == [(alb_message(total, 10), None)]


def test_budget_exactly_met_passes(run: Any) -> None:
    total = round(HOURS * (ALB_HOUR + 2 * IPV4_HOUR + LCU_HOUR), 2)
    config = {"region": "eu-west-2", "maxMonthlyUsd": total}
    assert run.stack(budget.monthly_cost_budget, [alb(run)], config=config) == []


def test_assumption_override_from_config_changes_the_estimate(run: Any) -> None:
    config = {"region": "eu-west-2", "maxMonthlyUsd": 10.0, "albLcus": 4.0}
    reported = run.stack(budget.monthly_cost_budget, [alb(run)], config=config)

    total = HOURS * (ALB_HOUR + 2 * IPV4_HOUR + 4 * LCU_HOUR)
    assert reported == [(alb_message(total, 10, lcus=4), None)]


def test_default_budget_of_500_applies_without_config(run: Any) -> None:
    # 20 on-demand tasks of 1 vCPU / 2 GB: 20 x 730 x (0.04656 + 2 x 0.00511) = 829.0 a month.
    td = run.res(
        "aws:ecs/taskDefinition:TaskDefinition", "big-td", {"family": "big", "cpu": "1024", "memory": "2048"}
    )
    svc = run.res(
        "aws:ecs/service:Service",
        "big",
        {"taskDefinition": "arn:aws:ecs:eu-west-2:1:task-definition/big:3", "desiredCount": 20},
    )
    reported = run.stack(budget.monthly_cost_budget, [provider(run, "eu-west-2"), td, svc])

    total = 20 * HOURS * (X86_VCPU + 2 * X86_GB)
    assert len(reported) == 1
    message, urn = reported[0]
    assert urn is None
    assert message.startswith(
        f"Stack 'dev' estimated monthly cost {money(total)} (eu-west-2)"
        " must not exceed the budget of $500.00; "
        f"reduce the largest items (big Fargate on-demand x86 (1 vCPU, 2 GB) {money(total)})"
    )


def test_region_from_the_aws_provider_resource_and_from_the_resources_provider(run: Any) -> None:
    config = {"maxMonthlyUsd": 10.0}
    from_provider_resource = run.stack(
        budget.monthly_cost_budget, [provider(run, "eu-west-2"), alb(run)], config=config
    )
    assert from_provider_resource == [(alb_message(HOURS * (ALB_HOUR + 2 * IPV4_HOUR + LCU_HOUR), 10), None)]

    resource = alb(run)
    resource.provider = type(
        "P", (), {"resource_type": "pulumi:providers:aws", "props": {"region": "us-east-1"}}
    )()
    (message, _), *_ = run.stack(budget.monthly_cost_budget, [resource], config=config)
    assert message.startswith(f"Stack 'dev' estimated monthly cost {money(US_ALB_TOTAL)} (us-east-1)")


def test_region_from_stack_config_and_environment(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "get_config", lambda key: None)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-2")
    reported = run.stack(budget.monthly_cost_budget, [alb(run)], config={"maxMonthlyUsd": 10.0})
    eu_total = HOURS * (ALB_HOUR + 2 * IPV4_HOUR + LCU_HOUR)
    assert reported and reported[0][0].startswith(
        f"Stack 'dev' estimated monthly cost {money(eu_total)} (eu-west-2)"
    )

    monkeypatch.setattr(budget, "get_config", {"aws:region": "us-east-1"}.get)
    reported = run.stack(budget.monthly_cost_budget, [alb(run)], config={"maxMonthlyUsd": 10.0})
    assert reported and reported[0][0].startswith(
        f"Stack 'dev' estimated monthly cost {money(US_ALB_TOTAL)} (us-east-1)"
    )


def test_unsupported_region_is_reported_with_the_supported_ones(run: Any) -> None:
    reported = run.stack(budget.monthly_cost_budget, [provider(run, "ap-south-1"), alb(run)])

    assert reported == [
        (
            "Stack 'dev' region 'ap-south-1' must have prices for the budget check (supported: eu-west-2, "
            "us-east-1); set aws:region to a supported region, or add the region's prices (with source and "
            "date) to policy/prices.json.",
            None,
        )
    ]


def test_no_region_at_all_is_reported(run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "get_config", lambda key: None)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)

    assert run.stack(budget.monthly_cost_budget, [alb(run)]) == [
        (
            "Stack 'dev' AWS region must be known for the budget check; set the region property of "
            "monthly-cost-budget (supported: eu-west-2, us-east-1).",
            None,
        )
    ]


def test_unknown_values_during_preview_do_not_stop_the_estimate(run: Any) -> None:
    td = run.res(
        "aws:ecs/taskDefinition:TaskDefinition",
        "web-td",
        {
            "family": "web",
            "cpu": "256",
            "memory": "512",
            "containerDefinitions": "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
        },
    )
    svc = run.res("aws:ecs/service:Service", "web", {"desiredCount": UNKNOWN_NUMBER}, deps=[td])
    reported = run.stack(
        budget.monthly_cost_budget, [td, svc], config={"region": "eu-west-2", "maxMonthlyUsd": 1.0}
    )

    task = HOURS * (0.25 * X86_VCPU + 0.5 * X86_GB)  # one task assumed for the unknown desired count
    assert len(reported) == 1
    assert reported[0][0].startswith(f"Stack 'dev' estimated monthly cost {money(task)} (eu-west-2)")


def test_missing_prices_are_named_in_the_message(run: Any) -> None:
    fs = run.res("aws:efs/fileSystem:FileSystem", "data", {"encrypted": True})
    reported = run.stack(
        budget.monthly_cost_budget, [alb(run), fs], config={"region": "eu-west-2", "maxMonthlyUsd": 10.0}
    )

    assert reported[0][0].endswith(
        " Not priced: data: EFS Standard storage (assumed 1 GB) (1 GB-months) has no efs_standard_gb_month "
        "price for eu-west-2; left out of the total."
    )


def test_resource_dict_unwraps_the_proxy_and_keeps_unknown_sentinels(run: Any) -> None:
    parent = run.res("fargate-platform:index:FargateService", "web", {})
    svc = run.res(
        "aws:ecs/service:Service",
        "web-svc",
        {"desiredCount": UNKNOWN_NUMBER, "x": [1, {"y": "z"}]},
        parent=parent,
        deps=[parent],
    )

    data = budget.resource_dict(svc)
    assert json.loads(json.dumps(data)) == {
        "type": "aws:ecs/service:Service",
        "name": "web-svc",
        "urn": svc.urn,
        "props": {"desiredCount": UNKNOWN_NUMBER, "x": [1, {"y": "z"}]},
        "parent": parent.urn,
        "dependencies": [parent.urn],
    }


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"albLcus": "many"}, "assumption 'albLcus' must be a number, got 'many'"),
        ({"maxMonthlyUsd": "45"}, "maxMonthlyUsd must be a number, got '45'"),
    ],
)
def test_config_of_the_wrong_type_is_reported_not_raised(
    run: Any, config: dict[str, Any], problem: str
) -> None:
    reported = run.stack(budget.monthly_cost_budget, [alb(run)], config={"region": "eu-west-2", **config})

    assert reported == [
        (
            f"Stack 'dev' budget config ({problem}) must be valid; fix monthly-cost-budget's config.",
            None,
        )
    ]
