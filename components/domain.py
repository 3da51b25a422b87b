"""The stack's domain: an ACM certificate validated through Route 53 (DomainCertificate), and the alias
records that point its names at the ALB (DomainRecords).

- the certificate names the domain, its aliases and the services' hosts in the zone, validated by DNS: one
  CNAME per name (a wildcard shares its base name's record), then `CertificateValidation`, whose ARN the HTTPS
  listener uses, so `pulumi up` waits until ACM has issued the certificate;
- changing the names replaces the certificate (pulumi-aws acm.Certificate: `domain_name` and
  `subject_alternative_names` force a new one), created before the old one is deleted (Pulumi's default): the
  listener moves to the new certificate first, and ACM refuses to delete a certificate still in use;
- validation records overwrite a CNAME already there (`allow_overwrite`): ACM's validation record of a name is
  the same for every certificate of that name in the account, so a certificate made earlier may have left it;
- alias records (A, and AAAA when the ALB is dualstack) never overwrite an existing record: a name in use
  elsewhere stops the update instead of being taken over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


def record_label(name: str) -> str:
    """A logical-name fragment for a DNS name (`*.example.com` → `wildcard-example-com`)."""
    return name.replace("*", "wildcard").replace(".", "-")


def validation_names(names: Sequence[str]) -> list[str]:
    """The names that need their own validation record: `*.x` shares the record of `x`."""
    return list(dict.fromkeys(n.removeprefix("*.") for n in names))


@dataclass
class DomainCertificateArgs:
    names: Sequence[str]  # the domain first: it is the certificate's domain name
    zone_id: pulumi.Input[str]
    tags: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


class DomainCertificate(pulumi.ComponentResource):
    certificate: aws.acm.Certificate
    validation_records: dict[str, aws.route53.Record]
    validation: aws.acm.CertificateValidation
    certificate_arn: pulumi.Output[str]  # the validated certificate's ARN

    def __init__(
        self, name: str, args: DomainCertificateArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not args.names:
            raise ValueError("A domain certificate needs at least one name.")
        super().__init__("fargate-platform:index:DomainCertificate", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        primary, *alternatives = args.names
        self.certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=primary,
            subject_alternative_names=alternatives or None,
            validation_method="DNS",
            tags=dict(args.tags),
            opts=child,
        )
        self.validation_records = {}
        for dns_name in validation_names(args.names):
            option = self.certificate.domain_validation_options.apply(
                lambda options, n=dns_name: next(
                    o for o in options if (o.domain_name or "").removeprefix("*.") == n
                )
            )
            self.validation_records[dns_name] = aws.route53.Record(
                f"{name}-validation-{record_label(dns_name)}",
                zone_id=args.zone_id,
                name=option.apply(lambda o: o.resource_record_name or ""),
                type=option.apply(lambda o: o.resource_record_type or "CNAME"),
                records=[option.apply(lambda o: o.resource_record_value or "")],
                ttl=300,
                allow_overwrite=True,
                opts=child,
            )
        self.validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=self.certificate.arn,
            validation_record_fqdns=[r.fqdn for r in self.validation_records.values()],
            opts=child,
        )
        self.certificate_arn = self.validation.certificate_arn
        self.register_outputs({"certificateArn": self.certificate_arn})


@dataclass
class DomainRecordsArgs:
    names: Sequence[str]
    zone_id: pulumi.Input[str]
    target_dns_name: pulumi.Input[str]  # the ALB's DNS name and hosted zone
    target_zone_id: pulumi.Input[str]
    ipv6: bool = False


class DomainRecords(pulumi.ComponentResource):
    records: dict[tuple[str, str], aws.route53.Record]

    def __init__(
        self, name: str, args: DomainRecordsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("fargate-platform:index:DomainRecords", name, None, opts)
        self.records = {}
        kinds = ("A", "AAAA") if args.ipv6 else ("A",)
        for dns_name in dict.fromkeys(args.names):
            for kind in kinds:
                self.records[(dns_name, kind)] = aws.route53.Record(
                    f"{name}-{record_label(dns_name)}-{kind.lower()}",
                    zone_id=args.zone_id,
                    name=dns_name,
                    type=kind,
                    aliases=[
                        aws.route53.RecordAliasArgs(
                            name=args.target_dns_name,
                            zone_id=args.target_zone_id,
                            evaluate_target_health=True,
                        )
                    ],
                    opts=pulumi.ResourceOptions(parent=self),
                )
        self.register_outputs({"names": list(dict.fromkeys(args.names))})
