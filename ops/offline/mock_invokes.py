"""Results of the invokes a Fargate program uses, shaped like AWS's (`ops.offline.aws_mocks.AwsMocks.invoke`):
region, caller identity, partition, availability zones, VPC and subnet look-ups, ECR repositories, IAM policy
documents, secrets, SSM parameters, certificates, the ELB service account and KMS aliases. Values derive
from the invoke's arguments (deterministic); unknown invokes echo their arguments."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ops.offline.mock_ids import hex_digest, last_segment, password, uuid_of
from ops.offline.mock_resources import ALB_ZONE_IDS


def invoke_result(token: str, args: Mapping[str, Any], region: str, account: str) -> dict[str, Any]:
    """What the provider would return for the invoke `token` with `args` in `region` / `account`."""
    seed = token + json.dumps(args, sort_keys=True, default=str)
    if token == "aws:index/getRegion:getRegion":
        name = args.get("region") or args.get("name") or region
        return {
            "id": name,
            "name": name,
            "region": name,
            "endpoint": f"ec2.{name}.amazonaws.com",
            "description": name,
        }
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {
            "id": account,
            "accountId": account,
            "arn": f"arn:aws:iam::{account}:user/offline-check",
            "userId": "AIDA" + hex_digest(seed, 17).upper(),
        }
    if token == "aws:index/getPartition:getPartition":
        return {
            "id": "aws",
            "partition": "aws",
            "dnsSuffix": "amazonaws.com",
            "reverseDnsPrefix": "com.amazonaws",
        }
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones" or token == (
        "aws:ec2/getAvailabilityZones:getAvailabilityZones"
    ):
        return {
            "id": region,
            "names": [f"{region}{z}" for z in "abc"],
            "zoneIds": [f"{region[:3]}{region.split('-')[1][:1]}{region[-1]}-az{i}" for i in (1, 2, 3)],
            "groupNames": [region],
        }
    if token == "aws:ec2/getVpc:getVpc":
        vpc_id = args.get("id") or "vpc-" + hex_digest(seed, 17)
        return {
            "id": vpc_id,
            "arn": f"arn:aws:ec2:{region}:{account}:vpc/{vpc_id}",
            "cidrBlock": "10.0.0.0/16",
            "default": bool(args.get("default")),
            "ownerId": account,
            "enableDnsHostnames": True,
            "enableDnsSupport": True,
            "state": "available",
        }
    if token == "aws:ec2/getSubnet:getSubnet":
        subnet_id = args.get("id") or "subnet-" + hex_digest(seed, 17)
        index = int(hex_digest(subnet_id, 2), 16) % 3
        return {
            "id": subnet_id,
            "arn": f"arn:aws:ec2:{region}:{account}:subnet/{subnet_id}",
            "vpcId": args.get("vpcId") or "vpc-" + hex_digest(seed + "/vpc", 17),
            "availabilityZone": f"{region}{'abc'[index]}",
            "cidrBlock": f"10.0.{index * 16}.0/20",
            "mapPublicIpOnLaunch": False,
            "ownerId": account,
        }
    if token == "aws:ec2/getSubnets:getSubnets":
        return {"id": region, "ids": ["subnet-" + hex_digest(seed + str(i), 17) for i in range(3)]}
    if token == "aws:ecr/getRepository:getRepository":
        name = args.get("name", "repository")
        return {
            "id": name,
            "name": name,
            "arn": f"arn:aws:ecr:{region}:{account}:repository/{name}",
            "registryId": account,
            "repositoryUrl": f"{account}.dkr.ecr.{region}.amazonaws.com/{name}",
            "imageTagMutability": "IMMUTABLE",
            "mostRecentImageTags": [],
        }
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        doc = _policy_document(args)
        return {
            "id": hex_digest(doc, 10),
            "json": doc,
            "minifiedJson": json.dumps(json.loads(doc), separators=(",", ":")),
        }
    if token == "aws:secretsmanager/getSecret:getSecret":
        name = args.get("name") or last_segment(args.get("arn"), ":") or "secret"
        arn = (
            args.get("arn") or f"arn:aws:secretsmanager:{region}:{account}:secret:{name}-{password(seed, 6)}"
        )
        return {"id": arn, "arn": arn, "name": name}
    if token == "aws:ssm/getParameter:getParameter":
        name = args.get("name", "/parameter")
        path = name if name.startswith("/") else "/" + name
        return {
            "id": name,
            "name": name,
            "arn": f"arn:aws:ssm:{region}:{account}:parameter{path}",
            "type": "SecureString",
            "value": "offline-placeholder",
            "insecureValue": "",
            "version": 1,
        }
    if token == "aws:acm/getCertificate:getCertificate":
        arn = f"arn:aws:acm:{region}:{account}:certificate/{uuid_of(seed)}"
        return {"id": arn, "arn": arn, "domain": args.get("domain"), "status": "ISSUED"}
    if token in ("aws:lb/getLoadBalancer:getLoadBalancer", "aws:alb/getLoadBalancer:getLoadBalancer"):
        arn = str(args.get("arn") or f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/lb/0")
        suffix = arn.split(":loadbalancer/", 1)[-1]
        name = suffix.split("/")[1] if suffix.count("/") >= 2 else "lb"
        return {
            "id": arn,
            "arn": arn,
            "arnSuffix": suffix,
            "name": name,
            "dnsName": f"{name}-{hex_digest(arn, 10)}.{region}.elb.amazonaws.com",
            "zoneId": ALB_ZONE_IDS.get(region, "Z0OFFLINE" + hex_digest(region, 10).upper()),
            "loadBalancerType": "application",
        }
    if token == "aws:route53/getZone:getZone":
        name = str(args.get("name") or "example.com").rstrip(".")
        zone_id = args.get("zoneId") or "Z" + hex_digest(name, 20).upper()
        return {"id": zone_id, "zoneId": zone_id, "name": name, "privateZone": False}
    if token == "aws:elb/getServiceAccount:getServiceAccount":
        return {"id": "127311923021", "arn": "arn:aws:iam::127311923021:root"}
    if token == "aws:kms/getAlias:getAlias":
        key_id = uuid_of(seed)
        return {
            "id": args.get("name"),
            "name": args.get("name"),
            "targetKeyId": key_id,
            "arn": f"arn:aws:kms:{region}:{account}:{args.get('name')}",
            "targetKeyArn": f"arn:aws:kms:{region}:{account}:key/{key_id}",
        }
    # Unknown invokes echo their arguments: ids and names asked for come back as given.
    return dict(args)


def _policy_document(args: Mapping[str, Any]) -> str:
    """`aws.iam.get_policy_document` rendered the way the provider renders it (enough for policy checks)."""
    statements = []
    for st in args.get("statements") or []:
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, field in (
            ("actions", "Action"),
            ("notActions", "NotAction"),
            ("resources", "Resource"),
            ("notResources", "NotResource"),
        ):
            values = st.get(key)
            if values:
                out[field] = values[0] if len(values) == 1 else list(values)
        for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            principals = st.get(key)
            if principals:
                out[field] = {
                    p["type"]: (p["identifiers"][0] if len(p["identifiers"]) == 1 else list(p["identifiers"]))
                    for p in principals
                }
        conditions = st.get("conditions")
        if conditions:
            cond: dict[str, dict[str, Any]] = {}
            for c in conditions:
                vals = c.get("values") or []
                cond.setdefault(c["test"], {})[c["variable"]] = vals[0] if len(vals) == 1 else list(vals)
            out["Condition"] = cond
        statements.append(out)
    return json.dumps({"Version": args.get("version") or "2012-10-17", "Statement": statements}, indent=2)
