"""security-group-ingress (inline ingress, SecurityGroupRule, vpc SecurityGroupIngressRule),
ecr-immutable-scanned and efs-encrypted. Known-good resource, one change per test."""

from __future__ import annotations

import pytest
import security_groups
import security_storage

SG = "aws:ec2/securityGroup:SecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
ECR = "aws:ecr/repository:Repository"
EFS = "aws:efs/fileSystem:FileSystem"

(INGRESS,) = security_groups.POLICIES
ECR_RULE, EFS_RULE = security_storage.POLICIES

SG_FIX = (
    "restrict the source to known CIDRs, a prefix list or a security group (only the ports in "
    "allowedPublicPorts may be open to the internet)."
)


def sg_with(good, *blocks):
    return good.security_group(ingress=list(blocks))


def tcp(from_port, to_port=None, **cidrs):
    return {"protocol": "tcp", "fromPort": from_port, "toPort": to_port or from_port, **cidrs}


# --- security-group-ingress: inline ingress ---------------------------------------------------------------


def test_ingress_known_good_passes(run, good):
    assert run.resource(INGRESS, SG, good.security_group()) == []


def test_ingress_public_https_and_http_pass(run, good):
    props = sg_with(good, tcp(443, cidrBlocks=["0.0.0.0/0"]), tcp(80, ipv6CidrBlocks=["::/0"]))
    assert run.resource(INGRESS, SG, props) == []


def test_ingress_public_ssh_fails(run, good):
    props = sg_with(good, tcp(443, cidrBlocks=["0.0.0.0/0"]), tcp(22, cidrBlocks=["10.0.0.0/8", "0.0.0.0/0"]))
    assert run.resource(INGRESS, SG, props) == [
        f"Security group 'web' ingress rule #1 must not open TCP port 22 to 0.0.0.0/0; {SG_FIX}"
    ]


def test_ingress_all_protocols_fails_for_each_public_cidr(run, good):
    block = {
        "protocol": "-1",
        "fromPort": 0,
        "toPort": 0,
        "cidrBlocks": ["0.0.0.0/0"],
        "ipv6CidrBlocks": ["::/0"],
    }
    assert run.resource(INGRESS, SG, sg_with(good, block)) == [
        f"Security group 'web' ingress rule #0 must not open every port and protocol to 0.0.0.0/0; {SG_FIX}",
        f"Security group 'web' ingress rule #0 must not open every port and protocol to ::/0; {SG_FIX}",
    ]


def test_ingress_port_range_covering_allowed_ports_fails(run, good):
    props = sg_with(good, tcp(80, 443, cidrBlocks=["0.0.0.0/0"]))
    assert run.resource(INGRESS, SG, props) == [
        f"Security group 'web' ingress rule #0 must not open TCP ports 80-443 to 0.0.0.0/0; {SG_FIX}"
    ]


def test_ingress_udp_on_allowed_port_fails(run, good):
    block = {"protocol": "udp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]}
    assert run.resource(INGRESS, SG, sg_with(good, block)) == [
        f"Security group 'web' ingress rule #0 must not open protocol udp to 0.0.0.0/0; {SG_FIX}"
    ]


def test_ingress_private_cidrs_pass(run, good):
    props = sg_with(
        good, tcp(22, cidrBlocks=["10.0.0.0/16", "203.0.113.7/32"]), tcp(5432, ipv6CidrBlocks=["fd00::/8"])
    )
    assert run.resource(INGRESS, SG, props) == []


def test_ingress_missing_property_passes(run, good):
    props = good.security_group()
    del props["ingress"]
    assert run.resource(INGRESS, SG, props) == []


def test_ingress_egress_is_not_checked(run, good):
    props = good.security_group(
        egress=[{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["0.0.0.0/0"]}]
    )
    assert run.resource(INGRESS, SG, props) == []


def test_ingress_config_allowed_ports(run, good):
    props = sg_with(good, tcp(8443, cidrBlocks=["0.0.0.0/0"]))
    assert run.resource(INGRESS, SG, props, config={"allowedPublicPorts": [8443]}) == []
    props = sg_with(good, tcp(443, cidrBlocks=["0.0.0.0/0"]))
    assert run.resource(INGRESS, SG, props, config={"allowedPublicPorts": []}) == [
        f"Security group 'web' ingress rule #0 must not open TCP port 443 to 0.0.0.0/0; {SG_FIX}"
    ]


# --- security-group-ingress: rule resources ---------------------------------------------------------------


def sg_rule(**overrides):
    props = {
        "type": "ingress",
        "securityGroupId": "sg-0123",
        "protocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrBlocks": ["0.0.0.0/0"],
    }
    props.update(overrides)
    return props


def test_sg_rule_allowed_port_passes(run):
    assert run.resource(INGRESS, SG_RULE, sg_rule()) == []


def test_sg_rule_public_database_fails(run):
    props = sg_rule(fromPort=5432, toPort=5432)
    assert run.resource(INGRESS, SG_RULE, props) == [
        f"Security group rule 'web' must not open TCP port 5432 to 0.0.0.0/0; {SG_FIX}"
    ]


def test_sg_rule_egress_ignored(run):
    assert run.resource(INGRESS, SG_RULE, sg_rule(type="egress", protocol="-1", fromPort=0, toPort=0)) == []


def test_sg_rule_protocol_number_six_is_tcp(run):
    assert run.resource(INGRESS, SG_RULE, sg_rule(protocol="6")) == []


def ingress_rule(**overrides):
    props = {
        "securityGroupId": "sg-0123",
        "ipProtocol": "tcp",
        "fromPort": 443,
        "toPort": 443,
        "cidrIpv4": "0.0.0.0/0",
    }
    props.update(overrides)
    return props


def test_vpc_ingress_rule_allowed_port_passes(run):
    assert run.resource(INGRESS, INGRESS_RULE, ingress_rule()) == []


def test_vpc_ingress_rule_all_traffic_ipv6_fails(run):
    props = ingress_rule(ipProtocol="-1", cidrIpv4=None, cidrIpv6="::/0", fromPort=None, toPort=None)
    assert run.resource(INGRESS, INGRESS_RULE, props) == [
        f"Security group ingress rule 'web' must not open every port and protocol to ::/0; {SG_FIX}"
    ]


def test_vpc_ingress_rule_missing_ports_on_tcp_means_all(run):
    props = ingress_rule(fromPort=None, toPort=None)
    assert run.resource(INGRESS, INGRESS_RULE, props) == [
        f"Security group ingress rule 'web' must not open every TCP port to 0.0.0.0/0; {SG_FIX}"
    ]


def test_vpc_ingress_rule_from_security_group_passes(run):
    props = ingress_rule(cidrIpv4=None, referencedSecurityGroupId="sg-0alb", fromPort=8080, toPort=8080)
    assert run.resource(INGRESS, INGRESS_RULE, props) == []


# --- ecr-immutable-scanned --------------------------------------------------------------------------------

MUTABLE_FIX = 'set imageTagMutability to "IMMUTABLE" and push every build under a new tag.'
SCAN_MSG = (
    "ECR repository 'web' must scan images on push; set imageScanningConfiguration.scanOnPush to true (or "
    "set requireScanOnPush to false when registry-level enhanced scanning covers the repository)."
)


def test_ecr_known_good_passes(run, good):
    assert run.resource(ECR_RULE, ECR, good.ecr_repository()) == []


def test_ecr_mutable_fails(run, good):
    assert run.resource(ECR_RULE, ECR, good.ecr_repository(imageTagMutability="MUTABLE")) == [
        f"ECR repository 'web' must have immutable image tags (imageTagMutability is MUTABLE); {MUTABLE_FIX}"
    ]


def test_ecr_missing_settings_fail(run, good):
    props = good.ecr_repository()
    del props["imageTagMutability"]
    del props["imageScanningConfiguration"]
    assert run.resource(ECR_RULE, ECR, props) == [
        f"ECR repository 'web' must have immutable image tags (imageTagMutability is MUTABLE); {MUTABLE_FIX}",
        SCAN_MSG,
    ]


def test_ecr_scan_off_fails(run, good):
    props = good.ecr_repository(imageScanningConfiguration={"scanOnPush": False})
    assert run.resource(ECR_RULE, ECR, props) == [SCAN_MSG]


def test_ecr_immutable_with_exclusion_needs_config(run, good):
    props = good.ecr_repository(imageTagMutability="IMMUTABLE_WITH_EXCLUSION")
    assert run.resource(ECR_RULE, ECR, props) == [
        "ECR repository 'web' must have immutable image tags (imageTagMutability is "
        f"IMMUTABLE_WITH_EXCLUSION); {MUTABLE_FIX}"
    ]
    assert run.resource(ECR_RULE, ECR, props, config={"allowImmutableWithExclusion": True}) == []


def test_ecr_config_switches_off(run, good):
    props = good.ecr_repository(imageTagMutability="MUTABLE", imageScanningConfiguration=None)
    config = {"requireImmutableTags": False, "requireScanOnPush": False}
    assert run.resource(ECR_RULE, ECR, props, config=config) == []


# --- efs-encrypted ----------------------------------------------------------------------------------------

EFS_MSG = (
    "EFS file system 'web' must be encrypted at rest; set encrypted to true (optionally with kmsKeyId); "
    "encryption cannot be turned on later without replacing the file system."
)


def test_efs_known_good_passes(run, good):
    assert run.resource(EFS_RULE, EFS, good.efs_file_system()) == []


@pytest.mark.parametrize("value", [False, "false"])
def test_efs_unencrypted_fails(run, good, value):
    assert run.resource(EFS_RULE, EFS, good.efs_file_system(encrypted=value)) == [EFS_MSG]


def test_efs_missing_fails(run, good):
    props = good.efs_file_system()
    del props["encrypted"]
    assert run.resource(EFS_RULE, EFS, props) == [EFS_MSG]
