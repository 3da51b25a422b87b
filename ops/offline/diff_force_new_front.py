"""The force-new table (ops/offline/diff_force_new.py) for the front door's web firewall: the WAF web ACL, its
association with the ALB and its logging configuration. Same sources and conventions as that module; to be
merged into FORCE_NEW once the stacks can create a web firewall (`loadBalancer.waf`)."""

from __future__ import annotations

from ops.offline.diff_force_new_types import TF_AWS, TypeRules

FRONT_TYPES: dict[str, TypeRules] = {
    "aws:wafv2/webAcl:WebAcl": TypeRules(
        # name, name_prefix and scope are ForceNew; resourceWebACLUpdate sends everything else, the whole
        # rule set included, in one UpdateWebACL (so adding or removing a rule is an in-place update).
        source=TF_AWS + "wafv2/web_acl.go",
        force_new=("name", "namePrefix", "scope"),
        updatable=(
            "associationConfig",
            "captchaConfig",
            "challengeConfig",
            "customResponseBodies",
            "dataProtectionConfig",
            "defaultAction",
            "description",
            "ruleJson",
            "rules",
            "tags",
            "tokenDomains",
            "visibilityConfig",
        ),
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": TypeRules(
        # No Update: both arguments are ForceNew. Delete is DisassociateWebACL on the resource ARN alone, so
        # the component replaces it delete-before-create (components/waf.py).
        source=TF_AWS + "wafv2/web_acl_association.go (no Update: both arguments are ForceNew)",
        force_new=("resourceArn", "webAclArn"),
        updatable=(),
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": TypeRules(
        # Update is the same PutLoggingConfiguration as Create; the destinations and the ACL are ForceNew.
        source=TF_AWS + "wafv2/web_acl_logging_configuration.go",
        force_new=("logDestinationConfigs", "resourceArn"),
        updatable=("loggingFilter", "redactedFields"),
    ),
}
