"""Benchmark: 1,000 resources through the real policy pack over the analyzer gRPC protocol (goal <= 2 s).

Starts ``policy/`` as the CLI does (ops.offline.analyzer.PolicyPackRunner), configures it with
``policy/config/<stack>.json``, then times Analyze for every resource (one at a time, and with a few requests
in flight) and AnalyzeStack once. The resources are a generated Fargate-shaped stack: per service a task
definition (two containers), a service, a target group, a listener rule, a log group, a security group, two
IAM roles, an SSM parameter and an autoscaling target (10 resources x 100 services).

    ./venv/bin/python benchmarks/analyzer_speed.py [--resources 1000] [--stack dev] [--workers 4]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests" / "policy"))  # the tests' known-good resource inputs

# tests/ is outside pyright's roots; the module is plain data builders, checked where the tests use it.
from known_good import (  # noqa: E402  # pyright: ignore[reportMissingImports]
    ACCOUNT,
    REGION,
    Good,
    policy_document,
    trust_policy,
)

from ops.offline.analyzer import PackResource, PolicyPackPool, PolicyPackRunner, load_policy_config  # noqa: E402

GOAL_SECONDS = 2.0
GOOD = Good()
PROJECT = "fargate-platform"


def _urn(stack: str, type_token: str, name: str) -> str:
    return f"urn:pulumi:{stack}::{PROJECT}::fargate-platform:index:FargateService${type_token}::{name}"


def _container(name: str, port: int) -> dict[str, Any]:
    return GOOD.container(
        name=name,
        image=f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}:1.4.2",
        portMappings=[{"containerPort": port, "protocol": "tcp"}],
        environment=[{"name": "LOG_LEVEL", "value": "info"}, {"name": "PORT", "value": str(port)}],
        secrets=[
            {"name": "DATABASE_PASSWORD", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{name}/db"}
        ],
        logConfiguration={
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/{name}",
                "awslogs-region": REGION,
                "awslogs-stream-prefix": name,
            },
        },
    )


def service_resources(stack: str, i: int) -> list[PackResource]:
    """The ten resources of one generated service: the tests' known-good inputs, named per service."""
    name = f"svc{i}"
    tg_arn = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:targetgroup/{name}/0123456789abcdef"
    task_role_policy = policy_document(
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": f"arn:aws:s3:::{name}-bucket/*"}
    )
    specs: list[tuple[str, str, dict[str, Any]]] = [
        (
            "aws:ecs/taskDefinition:TaskDefinition",
            f"{name}-task",
            GOOD.task_definition(
                containers=[_container(name, 8000), _container(f"{name}-proxy", 9000)],
                family=name,
                cpu="512",
                memory="1024",
                executionRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-execution",
                taskRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}-task",
            ),
        ),
        (
            "aws:ecs/service:Service",
            f"{name}-service",
            GOOD.service(
                name=name,
                taskDefinition=f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{name}:1",
                loadBalancers=[{"targetGroupArn": tg_arn, "containerName": name, "containerPort": 8000}],
            ),
        ),
        ("aws:lb/targetGroup:TargetGroup", f"{name}-tg", GOOD.target_group(port=8000)),
        (
            "aws:lb/listenerRule:ListenerRule",
            f"{name}-rule",
            {
                "listenerArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:listener/app/web/1/2",
                "priority": 100 + i,
                "actions": [{"type": "forward", "targetGroupArn": tg_arn}],
                "conditions": [{"pathPattern": {"values": [f"/{name}/*"]}}],
            },
        ),
        ("aws:cloudwatch/logGroup:LogGroup", f"{name}-logs", GOOD.log_group(name=f"/ecs/{name}")),
        (
            "aws:ec2/securityGroup:SecurityGroup",
            f"{name}-sg",
            GOOD.security_group(
                description=f"{name} tasks",
                ingress=[
                    {"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "securityGroups": ["sg-0alb"]}
                ],
            ),
        ),
        ("aws:iam/role:Role", f"{name}-execution", {"assumeRolePolicy": trust_policy()}),
        (
            "aws:iam/role:Role",
            f"{name}-task-role",
            {
                "assumeRolePolicy": trust_policy(),
                "inlinePolicies": [{"name": "s3", "policy": task_role_policy}],
            },
        ),
        ("aws:ssm/parameter:Parameter", f"{name}-db", GOOD.ssm_parameter(name=f"/{name}/db")),
        (
            "aws:appautoscaling/target:Target",
            f"{name}-scaling",
            GOOD.autoscaling_target(resourceId=f"service/main/{name}"),
        ),
    ]
    return [PackResource(t, n, _urn(stack, t, n), props) for t, n, props in specs]


def generate(stack: str, count: int) -> list[PackResource]:
    resources: list[PackResource] = [
        PackResource(
            "pulumi:providers:aws",
            "default",
            f"urn:pulumi:{stack}::{PROJECT}::pulumi:providers:aws::default",
            {"region": REGION},
        )
    ]
    i = 0
    while len(resources) < count:
        resources.extend(service_resources(stack, i))
        i += 1
    return resources[:count]


def _best(repeat: int, run: Any) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (the machine's other load only ever adds time) and its result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--stack", default="dev")
    parser.add_argument("--workers", type=int, default=4, help="Analyze requests in flight per pack process")
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 2, help="pack processes in the pool"
    )
    parser.add_argument("--pack", type=Path, default=ROOT / "policy")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each concurrent phase; the best counts"
    )
    args = parser.parse_args(argv)

    resources = generate(args.stack, args.resources)
    config = load_policy_config(args.pack / "config" / f"{args.stack}.json")
    runner_args: dict[str, Any] = {
        "project": PROJECT,
        "stack": args.stack,
        "stack_config": {"aws:region": REGION},
    }
    n = len(resources)

    t0 = time.perf_counter()
    with PolicyPackRunner(args.pack, **runner_args) as runner:
        ready = time.perf_counter() - t0
        t = time.perf_counter()
        runner.configure(config)
        configure = time.perf_counter() - t
        policies = len(runner.info())

        t = time.perf_counter()
        sequential = [d for r in resources for d in runner.analyze(r)]
        analyze_seq = time.perf_counter() - t

        analyze_many, concurrent = _best(
            args.repeat, lambda: runner.analyze_many(resources, workers=args.workers)
        )

        t = time.perf_counter()
        stack_diags = runner.analyze_stack(resources)
        analyze_stack = time.perf_counter() - t

    t0 = time.perf_counter()
    with PolicyPackPool(args.pack, processes=args.processes, **runner_args) as pool:
        pool_ready = time.perf_counter() - t0
        pool.configure(config)
        analyze_pool, pooled = _best(args.repeat, lambda: pool.analyze_many(resources, workers=args.workers))

    if not sequential == concurrent == pooled:
        print("error: concurrent or pooled Analyze gave different diagnostics", file=sys.stderr)
        return 2
    print(f"policy pack: {args.pack} ({policies} policies, config {args.stack}.json), {n} resources")
    print(f"pack start (ready):                    {ready:6.3f} s")
    print(f"GetAnalyzerInfo + Configure:           {configure:6.3f} s")
    print(
        f"Analyze, one pack, one at a time:      {analyze_seq:6.3f} s  ({analyze_seq / n * 1000:.2f} ms each)"
    )
    print(
        f"Analyze, one pack, {args.workers} in flight:        {analyze_many:6.3f} s  (best of {args.repeat})"
    )
    print(
        f"Analyze, {args.processes} packs, {args.workers} in flight each: {analyze_pool:6.3f} s  "
        f"(best of {args.repeat}; pool start {pool_ready:.3f} s)"
    )
    print(f"AnalyzeStack once:                     {analyze_stack:6.3f} s")
    print(f"diagnostics: {len(sequential)} resource, {len(stack_diags)} stack")
    for label, seconds in (("one pack", analyze_many), (f"{args.processes} packs", analyze_pool)):
        ratio = seconds / GOAL_SECONDS
        verdict = "met" if ratio <= 1 else "NOT met"
        print(
            f"Analyze of {n} resources, {label}: {seconds:.3f} s = {ratio:.2f} x the "
            f"{GOAL_SECONDS:g} s goal ({verdict})"
        )
    return 0 if min(analyze_many, analyze_pool) <= GOAL_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
