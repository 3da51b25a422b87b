"""Front-door rules over AWS WAF (v2): an internet-facing Application Load Balancer is associated with a web
ACL (alb-web-acl), and a web ACL's logs go to a destination AWS WAF accepts (waf-logging-destination). Both
are stack policies: the association and the logging configuration name their load balancer, web ACL and log
group by ARN (see front_door_links.py).

The log group itself is checked by log-group-retention (cost_logs.py) like every other log group: an
``aws-waf-logs-…`` group needs a retention CloudWatch Logs accepts, within the stack's bounds.
"""

from __future__ import annotations

import re

import type_tokens
from common import (
    ADVISORY,
    MANDATORY,
    Config,
    Resource,
    as_bool,
    as_str,
    flag,
    get,
    known_or_none,
    of_types,
    stack_policy,
    violation,
)
from front_door_links import AUTONAME, arn_targets, by_dependency, read_values
from pulumi_policy import ReportViolation
from security_load_balancers import is_application

# ---------------------------------------------------------------------------------------------------------
# alb-web-acl
# ---------------------------------------------------------------------------------------------------------

WEB_ACL_FIX = (
    "add an aws:wafv2/webAclAssociation with resourceArn <the load balancer's arn> and webAclArn <a REGIONAL "
    "web ACL: AWS managed rule groups and a rate-based rule> (or set required to false for this stack)"
)


def _internet_facing(lb: Resource) -> bool:
    return is_application(lb) and as_bool(get(lb.props, "internal")) is not True


def _check_web_acl(resources: list[Resource], config: Config, report: ReportViolation) -> None:
    if not config.get_bool("required"):
        return
    lbs = [
        lb
        for lb in of_types(resources, type_tokens.LOAD_BALANCER)
        if known_or_none(lambda lb=lb: _internet_facing(lb))
    ]
    covered: set[str] = set()
    for association in of_types(resources, type_tokens.WAF_WEB_ACL_ASSOCIATION):
        covered.update(lb.urn for lb in arn_targets(association, "resourceArn", lbs))
    for lb in lbs:
        if lb.urn not in covered:
            report(
                violation(lb, "(internet-facing)", "be associated with a WAFv2 web ACL", WEB_ACL_FIX), lb.urn
            )


ALB_WEB_ACL = stack_policy(
    "alb-web-acl",
    "Checks that internet-facing Application Load Balancers are associated with a WAFv2 web ACL where the "
    "stack requires it.",
    _check_web_acl,
    enforcement_level=ADVISORY,
    config={
        "required": flag(
            True, "Require a WAFv2 web ACL on internet-facing load balancers (false for dev stacks)."
        )
    },
)


# ---------------------------------------------------------------------------------------------------------
# waf-logging-destination
#
# AWS WAF delivers logs only to a CloudWatch Logs log group, an S3 bucket or a Data Firehose stream whose
# name starts with aws-waf-logs- (AWS WAF Developer Guide, "Logging destinations"); PutLoggingConfiguration
# rejects any other destination. A Pulumi auto-name keeps the logical name as its prefix.
# ---------------------------------------------------------------------------------------------------------

WAF_LOGS_PREFIX = "aws-waf-logs-"
_DESTINATIONS = (
    ("log group", re.compile(r"^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(?P<name>[^:]+)")),
    ("S3 bucket", re.compile(r"^arn:[^:]+:s3:::(?P<name>[^/]+)")),
    ("Firehose stream", re.compile(r"^arn:[^:]+:firehose:[^:]*:[^:]*:deliverystream/(?P<name>.+)$")),
)


def destination_name(arn: str) -> tuple[str, str] | None:
    """(kind, name) of a logging destination ARN; None for anything else."""
    for kind, pattern in _DESTINATIONS:
        match = pattern.match(arn)
        if match:
            return kind, match.group("name")
    return None


def _log_group_name(group: Resource) -> str:
    """The name a log group gets: ``name``, else ``namePrefix`` + random, else Pulumi's auto-name
    ``<logical>-<7 hex>`` (a name unknown during preview reads as the logical name)."""
    for key in ("name", "namePrefix"):
        value = known_or_none(lambda key=key: as_str(get(group.props, key)))
        if value:
            return value
    return group.name


def _destinations(config: Resource, groups: list[Resource]) -> list[tuple[str, str]]:
    """(kind, name) of each destination: from the ARNs, else (ARNs unknown during preview) from the log
    groups the configuration depends on."""
    found: list[tuple[str, str]] = []
    unknown = False
    for value in read_values(config, "logDestinationConfigs") or [None]:
        parsed = destination_name(value) if isinstance(value, str) else None
        if parsed is not None:
            found.append(parsed)
        elif not isinstance(value, str):
            unknown = True
    if unknown:
        found.extend(("log group", _log_group_name(g)) for g in by_dependency(config, groups))
    return found


def _check_logging_destination(resources: list[Resource], _config: Config, report: ReportViolation) -> None:
    groups = of_types(resources, type_tokens.LOG_GROUP)
    for config in of_types(resources, type_tokens.WAF_LOGGING_CONFIGURATION):
        for kind, name in _destinations(config, groups):
            if name.startswith(WAF_LOGS_PREFIX):
                continue
            auto = AUTONAME.match(name)
            suggestion = f"{WAF_LOGS_PREFIX}{auto.group('base') if auto else name}"
            report(
                violation(
                    config,
                    f"destination {kind} '{name}'",
                    f"have a name starting with {WAF_LOGS_PREFIX} (AWS WAF rejects any other destination)",
                    f'name the {kind} "{suggestion}"',
                ),
                config.urn,
            )


WAF_LOGGING_DESTINATION = stack_policy(
    "waf-logging-destination",
    "Checks that WAF logging configurations send logs to a log group, S3 bucket or Firehose stream whose "
    "name starts with aws-waf-logs- (AWS WAF rejects any other destination).",
    _check_logging_destination,
    enforcement_level=MANDATORY,
)

POLICIES = [ALB_WEB_ACL, WAF_LOGGING_DESTINATION]
