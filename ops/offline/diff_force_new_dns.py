"""The force-new table (ops/offline/diff_force_new.py) for the domain: the ACM certificate and its validation,
Route 53 records, and a certificate added to an existing listener. Same sources and conventions."""

from __future__ import annotations

from ops.offline.diff_force_new_types import TF_AWS, TypeRules

DNS_TYPES: dict[str, TypeRules] = {
    "aws:acm/certificate:Certificate": TypeRules(
        # A new name is a new certificate: Pulumi creates it before deleting the old one, so the listener
        # moves first (components/domain.py).
        source=TF_AWS + "acm/certificate.go",
        force_new=(
            "certificateAuthorityArn",
            "domainName",
            "keyAlgorithm",
            "subjectAlternativeNames",
            "validationMethod",
        ),
        updatable=("earlyRenewalDuration", "options", "tags", "validationOptions"),
    ),
    "aws:acm/certificateValidation:CertificateValidation": TypeRules(
        source=TF_AWS + "acm/certificate_validation.go (no Update: every argument is ForceNew)",
        force_new=("certificateArn", "validationRecordFqdns"),
        updatable=(),
    ),
    "aws:route53/record:Record": TypeRules(
        # name and zone_id are ForceNew; a changed type is a transactional DELETE + CREATE inside Update.
        source=TF_AWS + "route53/record.go",
        force_new=("name", "zoneId"),
        updatable=(
            "aliases",
            "allowOverwrite",
            "healthCheckId",
            "records",
            "setIdentifier",
            "ttl",
            "type",
        ),
    ),
    "aws:lb/listenerCertificate:ListenerCertificate": TypeRules(
        source=TF_AWS + "elbv2/listener_certificate.go (no Update: both arguments are ForceNew)",
        force_new=("certificateArn", "listenerArn"),
        updatable=(),
    ),
}
