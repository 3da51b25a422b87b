"""Wiring of the front door: the shared ALB (or an existing listener), its routes, and the domain
(certificate, validation, alias records). With wiring.py and wiring_service.py, the only modules of
`components/` that know config/; decisions are made from plain config values, never Outputs."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.domain import DomainCertificate, DomainCertificateArgs, DomainRecords, DomainRecordsArgs
from components.load_balancer import (
    ExistingListener,
    LoadBalancer,
    LoadBalancerArgs,
    Route,
    TargetHealthCheck,
)
from components.network import Network
from components.waf import WebFirewall, WebFirewallArgs
from config import PlatformConfig


@dataclass
class FrontDoor:
    load_balancer: LoadBalancer | None
    certificate: DomainCertificate | None = None
    records: DomainRecords | None = None
    firewall: WebFirewall | None = None

    def urls(self, cfg: PlatformConfig) -> dict[str, str]:
        """`(stack)` and each host-routed service → its https URL (with a domain)."""
        domain = cfg.load_balancer.domain
        if domain is None:
            return {}
        out = {"(stack)": f"https://{domain.name}"}
        for service, hosts in cfg.service_hosts.items():
            exact = [h for h in hosts if not h.startswith("*.")]
            if exact:
                out[service] = f"https://{exact[0]}"
        return out


def hosted_zone_id(cfg: PlatformConfig) -> pulumi.Input[str]:
    """The domain's hosted zone: its id, or the public zone of that name looked up (route53.get_zone)."""
    domain = cfg.load_balancer.domain
    assert domain is not None
    if domain.zone_id is not None:
        return domain.zone_id
    return aws.route53.get_zone_output(name=domain.zone, private_zone=False).zone_id


def front_door(
    cfg: PlatformConfig, label: str, network: Network, tags: dict[str, str], *, project: str
) -> FrontDoor:
    """The load balancer (when a service is routed) and the domain's certificate and records."""
    if not cfg.needs_load_balancer:
        return FrontDoor(load_balancer=None)
    lb = cfg.load_balancer
    certificate = None
    zone_id: pulumi.Input[str] | None = None
    if lb.domain is not None:
        zone_id = hosted_zone_id(cfg)
        certificate = DomainCertificate(
            label, DomainCertificateArgs(names=cfg.certificate_names, zone_id=zone_id, tags=tags)
        )
    certificate_arn = certificate.certificate_arn if certificate is not None else lb.certificate_arn
    priorities = cfg.route_priorities
    load_balancer = LoadBalancer(
        label,
        LoadBalancerArgs(
            vpc_id=network.vpc_id,
            subnet_ids=network.public_subnet_ids,
            security_group_id=network.load_balancer_security_group_id,
            routes=[
                Route(
                    service=name,
                    port=svc.port or 0,
                    health_check=TargetHealthCheck(
                        path=svc.health_check.path,
                        matcher=svc.health_check.matcher,
                        interval=svc.health_check.interval,
                        timeout=svc.health_check.timeout,
                        healthy_threshold=svc.health_check.healthy_threshold,
                        unhealthy_threshold=svc.health_check.unhealthy_threshold,
                    ),
                    path_patterns=list(svc.route.path_patterns),
                    host_patterns=list(svc.route.host_patterns),
                    priority=priorities.get(name),
                    default=svc.route.default,
                    deregistration_delay=lb.deregistration_delay,
                    shifts_traffic=svc.deployment.shifts_traffic,
                    test_priority=cfg.test_rule_priorities.get(name),
                )
                for name, svc in cfg.services.items()
                if svc.route is not None
            ],
            https=lb.https and lb.existing is None,
            certificate_arn=certificate_arn,
            ip_address_type=lb.ip_address_type,
            existing=(
                ExistingListener(lb.existing.listener_arn, https=lb.existing.protocol == "HTTPS")
                if lb.existing is not None
                else None
            ),
            ssl_policy=lb.ssl_policy,
            idle_timeout=lb.idle_timeout,
            deletion_protection=lb.deletion_protection,
            access_logs_bucket=lb.access_logs.bucket if lb.access_logs else None,
            access_logs_prefix=(lb.access_logs.prefix or None) if lb.access_logs else None,
            drop_invalid_header_fields=lb.drop_invalid_headers,
            desync_mitigation_mode=lb.desync_mitigation,
            test_listener_port=lb.test_listener_port,
            tags=tags,
        ),
    )
    records = None
    if lb.domain is not None and zone_id is not None:
        records = DomainRecords(
            label,
            DomainRecordsArgs(
                names=cfg.certificate_names,
                zone_id=zone_id,
                target_dns_name=load_balancer.dns_name,
                target_zone_id=load_balancer.zone_id,
                ipv6=lb.ip_address_type == "dualstack",
            ),
        )
    firewall = None
    waf = lb.waf
    if waf is not None and load_balancer.load_balancer is not None:
        firewall = WebFirewall(
            label,
            WebFirewallArgs(
                load_balancer_arn=load_balancer.load_balancer.arn,
                metric_prefix=f"{project}-{label}-waf",
                managed_rule_groups=waf.rule_group_priorities(),
                rate_limit_per_ip=waf.rate_limit_per_ip,
                blocked_countries=list(waf.blocked_countries),
                logging=waf.logging,
                log_group_name=f"aws-waf-logs-{project}-{label}",
                log_retention_days=cfg.logs.retention_days,
                retain_logs=cfg.environment == "prod",
                tags=tags,
            ),
        )
    return FrontDoor(load_balancer=load_balancer, certificate=certificate, records=records, firewall=firewall)
