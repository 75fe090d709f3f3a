"""Break (or mend) production-pci's data tier through the AWS APIs, in the PCI account of
the `pair-accounts` seed: one defence at a time, for the reachability tests.

Usage: pci_break.py ENDPOINT ACTION ARGS...
  route-add RTB CIDR PCX      a route across the peering in the data tier's table
  route-del RTB CIDR
  acl-del ACL NUMBER          remove an egress entry
  acl-deny ACL NUMBER CIDR    an egress deny of all traffic to CIDR
  sg-open SG PORT CIDR        a tcp ingress rule; prints its rule id
  sg-close SG PORT CIDR

Prints one JSON object (the rule id for sg-open).
"""

import json
import sys

from seed import PCI_ACCOUNT, Env


def main():
    endpoint, action, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    ec2 = Env(endpoint, "us-east-1", PCI_ACCOUNT).ec2
    out = {}
    if action == "route-add":
        ec2.create_route(RouteTableId=args[0], DestinationCidrBlock=args[1], VpcPeeringConnectionId=args[2])
    elif action == "route-del":
        ec2.delete_route(RouteTableId=args[0], DestinationCidrBlock=args[1])
    elif action == "acl-del":
        ec2.delete_network_acl_entry(NetworkAclId=args[0], RuleNumber=int(args[1]), Egress=True)
    elif action == "acl-deny":
        ec2.create_network_acl_entry(NetworkAclId=args[0], RuleNumber=int(args[1]), Egress=True, Protocol="-1",
                                     RuleAction="deny", CidrBlock=args[2])
    elif action in ("sg-open", "sg-close"):
        perm = [{"IpProtocol": "tcp", "FromPort": int(args[1]), "ToPort": int(args[1]),
                 "IpRanges": [{"CidrIp": args[2]}]}]
        if action == "sg-open":
            r = ec2.authorize_security_group_ingress(GroupId=args[0], IpPermissions=perm)
            out["rule"] = r["SecurityGroupRules"][0]["SecurityGroupRuleId"]
        else:
            ec2.revoke_security_group_ingress(GroupId=args[0], IpPermissions=perm)
    else:
        sys.exit(f"unknown action {action}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
