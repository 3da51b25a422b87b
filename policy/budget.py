"""The monthly cost budget: a stack policy that estimates the stack's monthly cost with ``pricing`` and
reports when it exceeds the stack's budget (``maxMonthlyUsd``).

The usage assumptions of the estimate (ALB LCUs, log and NAT gigabytes, ...) are config properties of the
policy, with the defaults of ``pricing.Assumptions``; ``policy/config/<stack>.json`` overrides them per stack.
The region comes from the ``region`` property, else the AWS provider of the stack's resources, else the
``aws:region`` stack config the CLI passes to the pack, else ``AWS_REGION``/``AWS_DEFAULT_REGION``. A region
without prices is reported as a violation naming the supported regions (never guessed).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import pricing
from common import parent_urn, stack_violation
from pulumi.runtime.config import get_config
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

NAME = "monthly-cost-budget"
DESCRIPTION = (
    "Checks that the stack's estimated monthly AWS cost (Fargate on-demand and Spot, ALB, NAT, public IPv4, "
    "logs, secrets, keys, storage) does not exceed the stack's budget."
)
DEFAULT_MAX_MONTHLY_USD = 500.0
LARGEST_ITEMS_SHOWN = 3

_ASSUMPTION_DEFAULTS = pricing.Assumptions()


def _assumption_properties() -> dict[str, dict[str, Any]]:
    props: dict[str, dict[str, Any]] = {}
    for f in fields(pricing.Assumptions):
        default = getattr(_ASSUMPTION_DEFAULTS, f.name)
        props[pricing.camel_case(f.name)] = {
            "type": "integer" if f.type == "int" else "number",
            "minimum": 0,
            "default": default,
            "description": f"Assumption: {pricing.ASSUMPTION_DOCS[f.name]} (default {default:g}).",
        }
    props["spotDiscount"]["maximum"] = 1
    props["hoursPerMonth"]["exclusiveMinimum"] = 0
    del props["hoursPerMonth"]["minimum"]
    return props


CONFIG_PROPERTIES: dict[str, dict[str, Any]] = {
    "maxMonthlyUsd": {
        "type": "number",
        "minimum": 0,
        "default": DEFAULT_MAX_MONTHLY_USD,
        "description": "The stack's monthly budget in USD; a higher estimate is a violation.",
    },
    "region": {
        "type": "string",
        "default": "",
        "description": (
            "AWS region whose prices apply; empty = the stack's AWS provider region or aws:region "
            f"(supported: {', '.join(pricing.SUPPORTED_REGIONS)})."
        ),
    },
    **_assumption_properties(),
}

CONFIG_DEFAULTS: dict[str, Any] = {k: v["default"] for k, v in CONFIG_PROPERTIES.items()}


def unwrapped(value: Any) -> Any:
    """A plain copy of the SDK's unknown-checking proxy; unknown values stay as the Pulumi sentinel strings
    (which ``pricing`` treats as "not known")."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key in value:
            try:
                out[key] = unwrapped(value[key])
            except UnknownValueError as e:
                out[key] = e.unknown_type_sentinel
        return out
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items: list[Any] = []
        for i in range(len(value)):
            try:
                items.append(unwrapped(value[i]))
            except UnknownValueError as e:
                items.append(e.unknown_type_sentinel)
        return items
    return value


def resource_dict(resource: PolicyResource) -> dict[str, Any]:
    """The ``pricing`` input shape of one stack resource."""
    return {
        "type": resource.resource_type,
        "name": resource.name,
        "urn": resource.urn,
        "props": unwrapped(resource.props),
        "parent": parent_urn(resource),
        "dependencies": [d.urn for d in resource.dependencies],
    }


def _region_of(value: Any) -> str | None:
    return value if isinstance(value, str) and value and not pricing.is_unknown(value) else None


def stack_region(resources: Sequence[PolicyResource], configured: str | None) -> str | None:
    """The region to price in (see the module docstring for the order)."""
    if configured:
        return configured
    for r in resources:
        if r.provider is not None and r.provider.resource_type == "pulumi:providers:aws":
            region = _region_of(unwrapped(r.provider.props).get("region"))
            if region:
                return region
    for r in resources:
        if r.resource_type == "pulumi:providers:aws":
            region = _region_of(unwrapped(r.props).get("region"))
            if region:
                return region
    region = _region_of(get_config("aws:region"))
    if region:
        return region
    return _region_of(os.environ.get("AWS_REGION")) or _region_of(os.environ.get("AWS_DEFAULT_REGION"))


def _config(values: Mapping[str, Any] | None) -> dict[str, Any]:
    merged = dict(CONFIG_DEFAULTS)
    if values:
        merged.update({k: v for k, v in values.items() if v is not None})
    return merged


def _money(value: float) -> str:
    return f"${value:,.2f}"


def budget_message(estimate: pricing.Estimate, budget: float) -> str | None:
    """The violation message when ``estimate`` exceeds ``budget``; None when within it."""
    if round(estimate.total, 2) <= round(budget, 2):
        return None
    largest = sorted(estimate.line_items, key=lambda i: i.monthly, reverse=True)[:LARGEST_ITEMS_SHOWN]
    items = ", ".join(f"{i.resource} {i.name} {_money(i.monthly)}" for i in largest)
    message = stack_violation(
        f"estimated monthly cost {_money(estimate.total)} ({estimate.region})",
        f"not exceed the budget of {_money(budget)}",
        f"reduce the largest items ({items}) or raise maxMonthlyUsd of {NAME} in the stack's policy config",
    )
    if estimate.missing:
        message += f" Not priced: {'; '.join(estimate.missing)}."
    return message


def validate_budget(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    config = _config(args.get_config())
    region = stack_region(args.resources, str(config.get("region") or "") or None)
    budget = config.get("maxMonthlyUsd")
    try:
        assumptions = pricing.Assumptions.from_mapping(config)
        if isinstance(budget, bool) or not isinstance(budget, int | float):
            raise ValueError(f"maxMonthlyUsd must be a number, got {budget!r}")
    except ValueError as e:
        report_violation(stack_violation(f"budget config ({e})", "be valid", f"fix {NAME}'s config"), None)
        return
    try:
        result = pricing.estimate([resource_dict(r) for r in args.resources], region, assumptions)
    except pricing.UnknownRegionError:
        supported = ", ".join(pricing.SUPPORTED_REGIONS)
        if region:
            message = stack_violation(
                f"region '{region}'",
                f"have prices for the budget check (supported: {supported})",
                "set aws:region to a supported region, or add the region's prices (with source and date) "
                "to policy/prices.json",
            )
        else:
            message = stack_violation(
                "AWS region",
                "be known for the budget check",
                f"set the region property of {NAME} (supported: {supported})",
            )
        report_violation(message, None)
        return
    message = budget_message(result, float(budget))
    if message is not None:
        report_violation(message, None)


monthly_cost_budget = StackValidationPolicy(
    name=NAME,
    description=DESCRIPTION,
    validate=validate_budget,
    enforcement_level=EnforcementLevel.ADVISORY,
    config_schema=PolicyConfigSchema(properties=CONFIG_PROPERTIES),
)

POLICIES: list[StackValidationPolicy] = [monthly_cost_budget]
