"""The front-door rules of the pack: what stands between the internet and the services (a domain, its
certificate, the load balancer's listeners, the web application firewall). Each module exports ``POLICIES``;
``__main__.py`` adds ``front_door.POLICIES`` to the pack. How they find the resources they link (records to
load balancers, associations to web ACLs) is front_door_links.py.

- front_door_https.py: alb-domain-https (a stack policy), acm-certificate-dns-validation
- front_door_waf.py: alb-web-acl, waf-logging-destination (stack policies)
"""

from __future__ import annotations

import front_door_https
import front_door_waf
from pulumi_policy import Policy

POLICIES: list[Policy] = [
    *front_door_https.POLICIES,
    *front_door_waf.POLICIES,
]
