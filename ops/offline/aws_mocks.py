"""AWS-shaped mock outputs for running a Pulumi program offline.

`AwsMocks` answers the mock monitor's `new_resource` and `call` with values shaped like the ones AWS and the
providers return: per resource type from `ops.offline.mock_resources` (ARNs in account 123456789012 and
the stack's region, ids with the right prefixes, DNS names, awsx VPC subnet ids, random passwords), per invoke
from `ops.offline.mock_invokes`. Every generated value is derived from the resource's URN (or the invoke's
arguments), so two runs of the same program record identical plans.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs, Mocks

from ops.offline.mock_ids import uuid_of
from ops.offline.mock_invokes import invoke_result
from ops.offline.mock_resources import HANDLERS, REMOTE_HANDLERS, Res, generic_aws

ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"


class AwsMocks(Mocks):
    """Mocks that return AWS-shaped outputs for one stack (account 123456789012, the stack's region)."""

    def __init__(self, region: str = DEFAULT_REGION, account: str = ACCOUNT_ID) -> None:
        self.region = region
        self.account = account

    def _res(self, args: MockResourceArgs, urn: str) -> Res:
        return Res(args.typ, args.name, urn, args.inputs, self.region, self.account)

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:  # type: ignore[override]
        return self.outputs_for(args, f"{args.typ}::{args.name}")

    def outputs_for(self, args: MockResourceArgs, urn: str) -> tuple[str, dict]:
        """The id and output properties of a resource; `urn` seeds every generated value."""
        res = self._res(args, urn)
        if args.typ.startswith("pulumi:providers:"):
            return uuid_of(urn), dict(args.inputs)
        if not args.custom:
            remote = REMOTE_HANDLERS.get(args.typ)
            return "", remote(res) if remote else {}
        if args.typ.startswith("aws:"):
            handler = HANDLERS.get(args.typ, generic_aws)
        else:
            handler = HANDLERS.get(args.typ, lambda r: (r.physical, {}))
        ident, extra = handler(res)
        outputs = dict(args.inputs)
        outputs.update(extra)
        if args.typ.startswith("aws:"):
            tags = args.inputs.get("tags")
            if isinstance(tags, dict):
                outputs.setdefault("tagsAll", tags)
        return ident, outputs

    def call(self, args: MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:  # type: ignore[override]
        return self.invoke(args.token, args.args), []

    def invoke(self, token: str, args: Mapping[str, Any]) -> dict[str, Any]:
        """The result of the invoke `token` (aws:index/getRegion:getRegion, …) with `args`."""
        return invoke_result(token, args, self.region, self.account)
