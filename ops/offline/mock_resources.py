"""AWS-shaped outputs per resource type for the offline run (`ops.offline.aws_mocks.AwsMocks` picks one).

Each handler takes what is known of the resource being registered (`Res`: type, logical name, URN, inputs,
region, account) and returns its id and the outputs AWS and the providers would add: ARNs in the stack's
account and region, ids with the right prefixes, load balancer DNS names and ARN suffixes, task definition
families and revisions, awsx VPC subnet ids, generated random passwords.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ops.offline.mock_ids import digest, digits, hex_digest, last_segment, password, uuid_of

ALB_ZONE_IDS = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-west-2": "ZHURV8PSTC4K8",
    "eu-central-1": "Z215JYRZR1TBD5",
}

# ARN service names that differ from the pulumi-aws module name.
_ARN_SERVICES = {
    "lb": "elasticloadbalancing",
    "alb": "elasticloadbalancing",
    "efs": "elasticfilesystem",
    "appautoscaling": "application-autoscaling",
    "vpc": "ec2",
    "cloudwatch": "logs",
}


@dataclass(frozen=True)
class Res:
    """What a resource handler knows about the resource being registered."""

    type: str
    logical: str
    urn: str
    inputs: Mapping[str, Any]
    region: str
    account: str

    @property
    def physical(self) -> str:
        """The name AWS would see: the explicit `name`, or `namePrefix`/logical name + a random suffix."""
        name = self.inputs.get("name")
        if isinstance(name, str) and name:
            return name
        prefix = self.inputs.get("namePrefix")
        if isinstance(prefix, str) and prefix:
            return prefix + hex_digest(self.urn, 26 - len(prefix) if len(prefix) < 20 else 6)
        return f"{self.logical}-{hex_digest(self.urn, 7)}"

    def arn(self, service: str, resource: str, *, region: bool = True) -> str:
        return f"arn:aws:{service}:{self.region if region else ''}:{self.account}:{resource}"

    def hex(self, length: int, salt: str = "") -> str:
        return hex_digest(self.urn + salt, length)


Outputs = dict[str, Any]
_Handler = Callable[[Res], tuple[str, Outputs]]


def _ecs_cluster(r: Res) -> tuple[str, Outputs]:
    arn = r.arn("ecs", f"cluster/{r.physical}")
    return arn, {"name": r.physical, "arn": arn}


def _ecs_service(r: Res) -> tuple[str, Outputs]:
    cluster = last_segment(r.inputs.get("cluster")) or "default"
    arn = r.arn("ecs", f"service/{cluster}/{r.physical}")
    return arn, {"name": r.physical, "arn": arn}


def _ecs_task_definition(r: Res) -> tuple[str, Outputs]:
    family = r.inputs.get("family") or r.physical
    without = r.arn("ecs", f"task-definition/{family}")
    return family, {"family": family, "revision": 1, "arn": f"{without}:1", "arnWithoutRevision": without}


def _load_balancer(r: Res) -> tuple[str, Outputs]:
    name = r.physical[:32]
    kind = {"network": "net", "gateway": "gwy"}.get(str(r.inputs.get("loadBalancerType")), "app")
    suffix = f"{kind}/{name}/{r.hex(16)}"
    arn = r.arn("elasticloadbalancing", f"loadbalancer/{suffix}")
    prefix = "internal-" if r.inputs.get("internal") else ""
    dns = f"{prefix}{name}-{digits(r.urn, 10)}.{r.region}.elb.amazonaws.com"
    zone = ALB_ZONE_IDS.get(r.region, "Z0OFFLINE" + r.hex(10, "zone").upper())
    return arn, {"name": name, "arn": arn, "arnSuffix": suffix, "dnsName": dns, "zoneId": zone}


def _target_group(r: Res) -> tuple[str, Outputs]:
    name = r.physical[:32]
    suffix = f"targetgroup/{name}/{r.hex(16)}"
    arn = r.arn("elasticloadbalancing", suffix)
    return arn, {"name": name, "arn": arn, "arnSuffix": suffix}


def _listener(r: Res) -> tuple[str, Outputs]:
    lb_arn = str(r.inputs.get("loadBalancerArn") or r.arn("elasticloadbalancing", "loadbalancer/app/lb/0"))
    arn = lb_arn.replace(":loadbalancer/", ":listener/") + "/" + r.hex(16)
    return arn, {"arn": arn}


def _listener_rule(r: Res) -> tuple[str, Outputs]:
    listener = str(r.inputs.get("listenerArn") or r.arn("elasticloadbalancing", "listener/app/lb/0/0"))
    arn = listener.replace(":listener/", ":listener-rule/") + "/" + r.hex(16)
    return arn, {"arn": arn}


def _iam_role(r: Res) -> tuple[str, Outputs]:
    path = str(r.inputs.get("path") or "/")
    arn = r.arn("iam", f"role{path}{r.physical}", region=False)
    return r.physical, {"name": r.physical, "arn": arn, "uniqueId": "AROA" + r.hex(17).upper()}


def _iam_policy(r: Res) -> tuple[str, Outputs]:
    path = str(r.inputs.get("path") or "/")
    arn = r.arn("iam", f"policy{path}{r.physical}", region=False)
    return arn, {"name": r.physical, "arn": arn, "policyId": "ANPA" + r.hex(17).upper()}


def _iam_role_policy(r: Res) -> tuple[str, Outputs]:
    return f"{r.inputs.get('role', 'role')}:{r.physical}", {"name": r.physical}


def _log_group(r: Res) -> tuple[str, Outputs]:
    return r.physical, {"name": r.physical, "arn": r.arn("logs", f"log-group:{r.physical}")}


def _web_acl(r: Res) -> tuple[str, Outputs]:
    # arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id> (pulumi_aws/wafv2 import examples)
    web_acl_id = uuid_of(r.urn)
    return web_acl_id, {
        "name": r.physical,
        "arn": r.arn("wafv2", f"regional/webacl/{r.physical}/{web_acl_id}"),
    }


def _dns_namespace(r: Res) -> tuple[str, Outputs]:
    ns = "ns-" + r.hex(16)
    return ns, {
        "arn": r.arn("servicediscovery", f"namespace/{ns}"),
        "hostedZone": "Z" + r.hex(20, "zone").upper(),
    }


def _discovery_service(r: Res) -> tuple[str, Outputs]:
    srv = "srv-" + r.hex(16)
    return srv, {
        "name": r.inputs.get("name") or r.logical,
        "arn": r.arn("servicediscovery", f"service/{srv}"),
    }


def _ssm_parameter(r: Res) -> tuple[str, Outputs]:
    name = r.physical
    path = name if name.startswith("/") else "/" + name
    return name, {"name": name, "arn": r.arn("ssm", f"parameter{path}"), "version": 1}


def _secret(r: Res) -> tuple[str, Outputs]:
    arn = r.arn("secretsmanager", f"secret:{r.physical}-{password(r.urn, 6)}")
    return arn, {"name": r.physical, "arn": arn}


def _secret_version(r: Res) -> tuple[str, Outputs]:
    version = uuid_of(r.urn)
    return f"{r.inputs.get('secretId', '')}|{version}", {
        "versionId": version,
        "arn": r.inputs.get("secretId"),
    }


def _kms_key(r: Res) -> tuple[str, Outputs]:
    key_id = uuid_of(r.urn)
    return key_id, {"keyId": key_id, "arn": r.arn("kms", f"key/{key_id}")}


def _kms_alias(r: Res) -> tuple[str, Outputs]:
    return r.physical, {"arn": r.arn("kms", r.physical), "targetKeyArn": r.inputs.get("targetKeyId")}


def _ec2(prefix: str, kind: str) -> _Handler:
    def handler(r: Res) -> tuple[str, Outputs]:
        ident = f"{prefix}-{r.hex(17)}"
        out: Outputs = {"arn": r.arn("ec2", f"{kind}/{ident}"), "ownerId": r.account}
        if prefix == "sg":
            out["name"] = r.physical
        if prefix == "eipalloc":
            out |= {"publicIp": f"203.0.113.{int(r.hex(2), 16) % 254 + 1}", "allocationId": ident}
        return ident, out

    return handler


def _scalable_target(r: Res) -> tuple[str, Outputs]:
    resource_id = str(r.inputs.get("resourceId") or r.logical)
    return resource_id, {"arn": r.arn("application-autoscaling", f"scalable-target/{r.hex(30)}")}


def _scaling_policy(r: Res) -> tuple[str, Outputs]:
    resource_id = r.inputs.get("resourceId", "")
    arn = r.arn(
        "autoscaling", f"scalingPolicy:{uuid_of(r.urn)}:resource/{resource_id}:policyName/{r.physical}"
    )
    return r.physical, {"name": r.physical, "arn": arn, "alarmArns": []}


def _efs(prefix: str, kind: str) -> _Handler:
    def handler(r: Res) -> tuple[str, Outputs]:
        ident = f"{prefix}-{r.hex(17)}"
        out: Outputs = {"arn": r.arn("elasticfilesystem", f"{kind}/{ident}"), "ownerId": r.account}
        if prefix == "fs":
            out["dnsName"] = f"{ident}.efs.{r.region}.amazonaws.com"
        return ident, out

    return handler


def _ecr_repository(r: Res) -> tuple[str, Outputs]:
    url = f"{r.account}.dkr.ecr.{r.region}.amazonaws.com/{r.physical}"
    return r.physical, {
        "name": r.physical,
        "arn": r.arn("ecr", f"repository/{r.physical}"),
        "repositoryUrl": url,
        "registryId": r.account,
    }


def _s3_bucket(r: Res) -> tuple[str, Outputs]:
    bucket = str(r.inputs.get("bucket") or r.physical).lower()
    return bucket, {
        "bucket": bucket,
        "arn": f"arn:aws:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{r.region}.amazonaws.com",
    }


def _acm_certificate(r: Res) -> tuple[str, Outputs]:
    """ACM's DNS validation: one CNAME per name (a wildcard shares its base name's), as ACM returns it."""
    arn = r.arn("acm", f"certificate/{uuid_of(r.urn)}")
    names = [r.inputs.get("domainName"), *(r.inputs.get("subjectAlternativeNames") or [])]
    options = [
        {
            "domainName": name,
            "resourceRecordName": f"_{hex_digest(name.removeprefix('*.'), 32)}.{name.removeprefix('*.')}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{hex_digest(name + '/value', 32)}.acm-validations.aws.",
        }
        for name in names
        if isinstance(name, str) and name
    ]
    return arn, {"arn": arn, "status": "ISSUED", "domainValidationOptions": options}


def _certificate_validation(r: Res) -> tuple[str, Outputs]:
    arn = str(r.inputs.get("certificateArn") or r.arn("acm", "certificate/0"))
    return arn, {"certificateArn": arn}


def _route53_record(r: Res) -> tuple[str, Outputs]:
    name = str(r.inputs.get("name") or r.logical).rstrip(".")
    zone = str(r.inputs.get("zoneId") or "Z0")
    return f"{zone}_{name}_{r.inputs.get('type')}", {"fqdn": name}


def _random_password(r: Res) -> tuple[str, Outputs]:
    length = int(r.inputs.get("length") or 16)
    result = password(r.urn, length)
    return "none", {"result": result, "bcryptHash": "$2a$10$" + password(r.urn + "/bcrypt", 53)}


def _random_string(r: Res) -> tuple[str, Outputs]:
    length = int(r.inputs.get("length") or 16)
    result = password(r.urn, length)
    if r.inputs.get("upper") is False:
        result = result.lower()
    return result, {"result": result}


def _random_id(r: Res) -> tuple[str, Outputs]:
    size = int(r.inputs.get("byteLength") or 8)
    hexed = r.hex(size * 2)
    raw = bytes.fromhex(hexed)
    import base64

    b64_url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return b64_url, {
        "hex": hexed,
        "b64Url": b64_url,
        "b64Std": base64.b64encode(raw).decode(),
        "dec": str(int(hexed, 16)),
    }


def _random_pet(r: Res) -> tuple[str, Outputs]:
    words = ["quick", "brave", "calm", "eager", "fancy", "gentle", "happy", "jolly"]
    animals = ["otter", "falcon", "badger", "lynx", "heron", "marten", "ibis", "panda"]
    h = int(r.hex(8), 16)
    pet = f"{words[h % 8]}-{animals[(h >> 3) % 8]}"
    return pet, {}


def _random_uuid(r: Res) -> tuple[str, Outputs]:
    value = uuid_of(r.urn)
    return value, {"result": value}


HANDLERS: dict[str, _Handler] = {
    "aws:ecs/cluster:Cluster": _ecs_cluster,
    "aws:ecs/service:Service": _ecs_service,
    "aws:ecs/taskDefinition:TaskDefinition": _ecs_task_definition,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:alb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:alb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": _listener,
    "aws:alb/listener:Listener": _listener,
    "aws:lb/listenerRule:ListenerRule": _listener_rule,
    "aws:alb/listenerRule:ListenerRule": _listener_rule,
    "aws:iam/role:Role": _iam_role,
    "aws:iam/policy:Policy": _iam_policy,
    "aws:iam/rolePolicy:RolePolicy": _iam_role_policy,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": _dns_namespace,
    "aws:servicediscovery/publicDnsNamespace:PublicDnsNamespace": _dns_namespace,
    "aws:servicediscovery/httpNamespace:HttpNamespace": _dns_namespace,
    "aws:servicediscovery/service:Service": _discovery_service,
    "aws:ssm/parameter:Parameter": _ssm_parameter,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:ec2/securityGroup:SecurityGroup": _ec2("sg", "security-group"),
    "aws:ec2/vpc:Vpc": _ec2("vpc", "vpc"),
    "aws:ec2/subnet:Subnet": _ec2("subnet", "subnet"),
    "aws:ec2/eip:Eip": _ec2("eipalloc", "elastic-ip"),
    "aws:ec2/natGateway:NatGateway": _ec2("nat", "natgateway"),
    "aws:ec2/internetGateway:InternetGateway": _ec2("igw", "internet-gateway"),
    "aws:ec2/routeTable:RouteTable": _ec2("rtb", "route-table"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2("vpce", "vpc-endpoint"),
    "aws:ec2/securityGroupRule:SecurityGroupRule": _ec2("sgrule", "security-group-rule"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _ec2("sgr", "security-group-rule"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _ec2("sgr", "security-group-rule"),
    "aws:appautoscaling/target:Target": _scalable_target,
    "aws:appautoscaling/policy:Policy": _scaling_policy,
    "aws:efs/fileSystem:FileSystem": _efs("fs", "file-system"),
    "aws:efs/accessPoint:AccessPoint": _efs("fsap", "access-point"),
    "aws:efs/mountTarget:MountTarget": _efs("fsmt", "mount-target"),
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:s3/bucket:Bucket": _s3_bucket,
    "aws:s3/bucketV2:BucketV2": _s3_bucket,
    "aws:acm/certificate:Certificate": _acm_certificate,
    "aws:acm/certificateValidation:CertificateValidation": _certificate_validation,
    "aws:route53/record:Record": _route53_record,
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomString:RandomString": _random_string,
    "random:index/randomId:RandomId": _random_id,
    "random:index/randomPet:RandomPet": _random_pet,
    "random:index/randomUuid:RandomUuid": _random_uuid,
}


def generic_aws(r: Res) -> tuple[str, Outputs]:
    """Any other aws resource: an id from its name and an ARN in the module's service namespace."""
    module = r.type.split(":")[1].split("/")[0]
    kind = r.type.rsplit(":", 1)[-1].lower()
    service = _ARN_SERVICES.get(module, module)
    return f"{r.physical}", {"arn": r.arn(service, f"{kind}/{r.physical}")}


def _awsx_vpc(r: Res) -> Outputs:
    """awsx:ec2:Vpc outputs typed as pulumi_awsx.ec2.Vpc expects (resource lists empty: remote children are
    never registered under mocks)."""
    zones = r.inputs.get("availabilityZoneNames")
    count = (
        len(zones)
        if isinstance(zones, list) and zones
        else int(r.inputs.get("numberOfAvailabilityZones") or 3)
    )
    specs = r.inputs.get("subnetSpecs")
    kinds = (
        [str(s.get("type", "")).lower() for s in specs]
        if isinstance(specs, list) and specs
        else [
            "public",
            "private",
        ]
    )
    ids: dict[str, list[str]] = {"public": [], "private": [], "isolated": []}
    for kind in ("public", "private", "isolated"):
        for n in range(kinds.count(kind) * count):
            ids[kind].append("subnet-" + r.hex(17, f"/{kind}/{n}"))
    return {
        "vpcId": "vpc-" + r.hex(17),
        "publicSubnetIds": ids["public"],
        "privateSubnetIds": ids["private"],
        "isolatedSubnetIds": ids["isolated"],
        "subnets": [],
        "publicSubnets": [],
        "privateSubnets": [],
        "isolatedSubnets": [],
        "natGateways": [],
        "eips": [],
        "routeTables": [],
        "routeTableAssociations": [],
        "routes": [],
        "vpcEndpoints": [],
        "subnetLayout": [],
    }


def _awsx_image(r: Res) -> Outputs:
    repository = r.inputs.get("repositoryUrl") or f"{r.account}.dkr.ecr.{r.region}.amazonaws.com/{r.logical}"
    return {"imageUri": f"{repository}@sha256:{digest(r.urn)}"}


def _awsx_repository(r: Res) -> Outputs:
    name = r.physical.lower()
    return {"url": f"{r.account}.dkr.ecr.{r.region}.amazonaws.com/{name}"}


REMOTE_HANDLERS: dict[str, Callable[[Res], Outputs]] = {
    "awsx:ec2:Vpc": _awsx_vpc,
    "awsx:ecr:Image": _awsx_image,
    "awsx:ecr:Repository": _awsx_repository,
}
