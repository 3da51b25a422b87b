"""Monthly cost estimate of a stack's AWS resources: ``estimate(resources, region, assumptions)`` and its
text form, ``format_estimate``. The public API of the estimate (``__all__``) is this module's.

Standalone on purpose: the estimate imports only the standard library and its own ``pricing_*`` modules, so
the pack's budget policy imports it as ``import pricing`` (the pack directory is on ``sys.path``) and
``python -m ops check`` loads this file by path (``ops/check.py``, ``load_pricing``).

- ``prices.json``: the price table, one entry per region with its source and date; ``pricing_table.py``
  loads and checks it. A price that was not found is null and stays missing: the line item is reported in
  ``Estimate.missing`` and left out of the total, never guessed.
- ``pricing_model.py``: ``Assumptions`` (usage inputs with documented defaults), ``LineItem``, ``Estimate``.
- ``pricing_stack.py``: how resources are read (unknown values during preview read as "not known": the
  estimate falls back to a documented default and says so in its notes); awsx components expanded.
- the line items: ``pricing_fargate.py``, ``pricing_network.py``, ``pricing_logs.py``,
  ``pricing_secrets_storage.py``, ``pricing_observability.py`` (alarms, dashboards, SNS, the green tasks of
  traffic-shifting deployments), ``pricing_front_door.py`` (WAF web ACLs; Route 53 and ACM notes).
- ``pricing_rollout.py``: how long one deployment of a service takes (``rollout_estimate``,
  ``stack_rollouts``), used by the deployment line items and the pack's ``ecs-rollout-time`` rule.

Fargate Spot is modelled as ``Assumptions.spot_discount`` (70%) off on-demand, because AWS publishes "up to
70%" and no current official Spot figure was found. Monthly = hourly x ``Assumptions.hours_per_month`` (730,
the AWS convention).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# ops/check.py loads this file by path, without the pack directory on sys.path: add it (last, so it shadows
# nothing) for the sibling modules imported below. In the pack and the tests it is on sys.path already.
_PACK_DIR = str(Path(__file__).resolve().parent)
if _PACK_DIR not in sys.path:
    sys.path.append(_PACK_DIR)

import pricing_fargate  # noqa: E402
import pricing_front_door  # noqa: E402
import pricing_logs  # noqa: E402
import pricing_network  # noqa: E402
import pricing_observability  # noqa: E402
import pricing_secrets_storage  # noqa: E402
from pricing_fargate import split_tasks  # noqa: E402
from pricing_model import (  # noqa: E402
    ASSUMPTION_DOCS,
    Assumptions,
    Estimate,
    EstimateBuilder,
    LineItem,
    camel_case,
    fmt,
)
from pricing_rollout import Part, Rollout, rollout_estimate, stack_rollouts  # noqa: E402
from pricing_stack import StackResource, expand_awsx_components, is_unknown  # noqa: E402
from pricing_table import (  # noqa: E402
    PRICES,
    SUPPORTED_REGIONS,
    RegionPrices,
    UnknownRegionError,
    prices_for,
)

__all__ = [
    "ASSUMPTION_DOCS",
    "PRICES",
    "SUPPORTED_REGIONS",
    "Assumptions",
    "Estimate",
    "LineItem",
    "Part",
    "RegionPrices",
    "Rollout",
    "UnknownRegionError",
    "camel_case",
    "estimate",
    "format_estimate",
    "is_unknown",
    "prices_for",
    "rollout_estimate",
    "split_tasks",
    "stack_rollouts",
]


def estimate(
    resources: Iterable[Mapping[str, Any]],
    region: str | None,
    assumptions: Assumptions | None = None,
) -> Estimate:
    """The monthly estimate of ``resources`` in ``region``. Raises UnknownRegionError for a region that has
    no price table (never guesses)."""
    builder = EstimateBuilder(prices_for(region), assumptions or Assumptions())
    stack = expand_awsx_components([StackResource.of(r) for r in resources], builder.notes)
    by_type: dict[str, list[StackResource]] = {}
    for r in stack:
        by_type.setdefault(r.type, []).append(r)

    task_counts = pricing_fargate.price_services(builder, by_type)
    pricing_network.price_load_balancers(builder, stack)
    pricing_network.price_nat(builder, by_type)
    pricing_network.price_vpc_endpoints(builder, by_type)
    pricing_logs.price_logs(builder, by_type)
    pricing_logs.price_container_insights(builder, by_type)
    pricing_fargate.price_cloud_map(builder, by_type, task_counts)
    pricing_secrets_storage.price_secrets(builder, by_type)
    pricing_secrets_storage.price_storage(builder, by_type)
    pricing_observability.price_alarms(builder, by_type)
    pricing_observability.price_dashboards(builder, by_type)
    pricing_observability.note_topics(builder, by_type)
    pricing_observability.price_deployments(builder, by_type, task_counts)
    pricing_front_door.price_web_acls(builder, by_type)
    pricing_front_door.note_domains(builder, by_type)
    return builder.estimate()


def format_estimate(est: Estimate) -> str:
    """Line items, assumptions, notes and the monthly total as plain text (no colours)."""
    rows = [
        (
            item.resource,
            item.name,
            f"{fmt(round(item.quantity, 4))} {item.unit}",
            f"${item.unit_price:g}",
            f"${item.monthly:,.2f}",
        )
        for item in est.line_items
    ]
    header = ("resource", "item", "quantity", "unit price", "monthly")
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = [f"Estimated monthly cost, {est.region} (prices: {est.source}; {est.date})"]

    def row(cells: Sequence[str]) -> str:
        left = "  ".join(c.ljust(w) for c, w in zip(cells[:3], widths[:3], strict=True))
        right = "  ".join(c.rjust(w) for c, w in zip(cells[3:], widths[3:], strict=True))
        return f"  {left}  {right}"

    lines.append(row(header))
    lines.extend(row(r) for r in rows)
    lines.append(f"  Total: ${est.total:,.2f} per month")
    lines.append("  Assumptions:")
    for key, value in est.assumptions.as_dict().items():
        lines.append(f"    {camel_case(key)} = {fmt(value)}  ({ASSUMPTION_DOCS.get(key, '')})")
    if est.missing:
        lines.append("  Not priced (price not found):")
        lines.extend(f"    - {m}" for m in est.missing)
    if est.notes:
        lines.append("  Notes:")
        lines.extend(f"    - {n}" for n in est.notes)
    return "\n".join(lines)
