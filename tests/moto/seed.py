"""Seed moto through the AWS APIs (boto3) with an environment from the seeds.

Usage: seed.py ENDPOINT SCENARIO [--drift]
  client-a  the eu-west-2 client-a-prod environment (four tiers, three AZs)
  pair      production and production-pci in us-east-1, peered
  pair-accounts  the same pair in two accounts (123456789012 and 111111111111)
  network   client-a plus network ACLs and prefix lists with the traps of issue 10;
            with --drift also a missing KMS endpoint and a REJECT-only flow log
  org       an organisation for --org (tests/moto/org/org.toml): 3 matched member
            accounts x 2 regions, an unmatched one, a suspended one
  pair-hub  the pair joined by a transit gateway instead of a peering, with a VPN to
            on-premises (192.168.0.0/16) on the hub and a VPN gateway on production;
            with --drift a blackhole for PCI in the hub and a route from production's
            data tier to the hub

Prints one JSON object mapping logical names to the AWS ids created, so tests can
state the exact findings they expect.
"""

import json
import os
import sys
import urllib.request

import time

import boto3

CREDS = dict(aws_access_key_id="testing", aws_secret_access_key="testing")
DEVOPS = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"]
SNS = "arn:aws:sns:eu-west-2:123456789012:client-a-prod-critical"


class Env:
    def __init__(self, endpoint, region, account=None, key="testing"):
        self.endpoint, self.region = endpoint, region
        # The harness maps the access key that signs a call to an identity (history.py).
        kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id=key, aws_secret_access_key="testing")
        self.ec2 = boto3.client("ec2", **kw)
        self.rds = boto3.client("rds", **kw)
        self.ec = boto3.client("elasticache", **kw)
        self.cw = boto3.client("cloudwatch", **kw)
        if account:
            # moto keys its state by account: this header puts every call in `account`.
            def header(request, **_):
                request.headers["x-moto-account-id"] = account
            for client in (self.ec2, self.rds, self.ec, self.cw):
                client.meta.events.register("before-sign.*.*", header)
        self.ids = {}

    def tag(self, rid, **tags):
        self.ec2.create_tags(Resources=[rid], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])

    def vpc(self, name, cidr, environment):
        vpc = self.ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        self.tag(vpc, Name=name, Environment=environment)
        return vpc

    def subnet(self, vpc, cidr, az, tier):
        sid = self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        self.tag(sid, Tier=tier)
        return sid

    def route_table(self, vpc, subnets, routes):
        rtb = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        for s in subnets:
            self.ec2.associate_route_table(RouteTableId=rtb, SubnetId=s)
        for dest, target in routes:
            self.route(rtb, dest, target)
        return rtb

    def route(self, rtb, dest, target):
        key = {"igw": "GatewayId", "nat": "NatGatewayId", "pcx": "VpcPeeringConnectionId",
               "tgw": "TransitGatewayId", "vgw": "GatewayId"}[target.split("-")[0]]
        self.ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=dest, **{key: target})

    def sg(self, vpc, name, role, rules):
        gid = self.ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
        if role:
            self.tag(gid, Role=role)
        if rules:
            self.ingress(gid, rules)
        return gid

    def ingress(self, gid, rules):
        perms = []
        for proto, lo, hi, src in rules:
            p = {"IpProtocol": proto, "FromPort": lo, "ToPort": hi}
            if src.startswith("sg-"):
                p["UserIdGroupPairs"] = [{"GroupId": src}]
            elif ":" in src:
                p["Ipv6Ranges"] = [{"CidrIpv6": src}]
            else:
                p["IpRanges"] = [{"CidrIp": src}]
            perms.append(p)
        self.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=perms)

    def network(self, prefix, name, environment, azs, tiers):
        """VPC, subnets per tier and AZ, IGW, public table, one NAT and app table per AZ,
        and one local-only table per other tier."""
        ids = self.ids
        vpc = ids[f"{prefix}vpc"] = self.vpc(name, tiers["cidr"], environment)
        subnets = {}
        for tier, thirds in tiers["subnets"].items():
            for az, third in zip(azs, thirds):
                subnets[(tier, az)] = self.subnet(vpc, f"{tiers['base']}.{third}.0/24", az, tier)
        igw = ids[f"{prefix}igw"] = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        public = [subnets[("public", az)] for az in azs]
        ids[f"{prefix}rt_public"] = self.route_table(vpc, public, [("0.0.0.0/0", igw)])
        for az in azs:
            alloc = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
            nat = self.ec2.create_nat_gateway(SubnetId=subnets[("public", az)], AllocationId=alloc)
            ids[f"{prefix}nat_{az[-1]}"] = nat["NatGateway"]["NatGatewayId"]
        for az in azs:
            ids[f"{prefix}rt_app_{az[-1]}"] = self.route_table(
                vpc, [subnets[("app", az)]], [("0.0.0.0/0", ids[f"{prefix}nat_{az[-1]}"])])
        for tier in tiers["subnets"]:
            if tier not in ("public", "app"):
                ids[f"{prefix}rt_{tier}"] = self.route_table(vpc, [subnets[(tier, az)] for az in azs], [])
        return vpc, subnets

    def endpoints_and_flow_logs(self, vpc, subnets, azs, kms=True, traffic="ALL"):
        """What client-a's design requires: S3 (gateway) and KMS (interface) endpoints and
        a flow log of ALL traffic on the VPC."""
        ids = self.ids
        tables = [ids[f"rt_app_{az[-1]}"] for az in azs] + [ids["rt_data"]]
        ids["vpce_s3"] = self.ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=f"com.amazonaws.{self.region}.s3", VpcEndpointType="Gateway",
            RouteTableIds=tables)["VpcEndpoint"]["VpcEndpointId"]
        if kms:
            ids["vpce_kms"] = self.ec2.create_vpc_endpoint(
                VpcId=vpc, ServiceName=f"com.amazonaws.{self.region}.kms", VpcEndpointType="Interface",
                SubnetIds=[subnets[("app", az)] for az in azs])["VpcEndpoint"]["VpcEndpointId"]
        logs = boto3.client("logs", endpoint_url=self.endpoint, region_name=self.region, **CREDS)
        group = f"/vpc/{vpc}/flow-logs"
        logs.create_log_group(logGroupName=group)
        fl = self.ec2.create_flow_logs(
            ResourceIds=[vpc], ResourceType="VPC", TrafficType=traffic, LogDestinationType="cloud-watch-logs",
            LogGroupName=group, DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs")
        ids["flow_log"] = fl["FlowLogIds"][0]

    def acl(self, vpc, subnets, entries, egress=()):
        """A network ACL explicitly associated with `subnets`, with inbound `entries`
        (number, protocol, allow, cidr, (from, to) or None) and outbound `egress` ones."""
        acl = self.ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for out, (n, proto, allow, cidr, ports) in [(False, e) for e in entries] + [(True, e) for e in egress]:
            kw = dict(NetworkAclId=acl, RuleNumber=n, Protocol=proto, RuleAction="allow" if allow else "deny",
                      Egress=out)
            kw["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
            if ports:
                kw["PortRange"] = {"From": ports[0], "To": ports[1]}
            self.ec2.create_network_acl_entry(**kw)
        current = self.ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": subnets}])
        for a in current["NetworkAcls"]:
            for assoc in a["Associations"]:
                if assoc["SubnetId"] in subnets:
                    self.ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"],
                                                             NetworkAclId=acl)
        return acl

    def prefix_list(self, name, cidrs):
        return self.ec2.create_managed_prefix_list(
            PrefixListName=name, AddressFamily="IPv4", MaxEntries=10,
            Entries=[{"Cidr": c} for c in cidrs])["PrefixList"]["PrefixListId"]

    def peer(self, a, b):
        pcx = self.ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]
        pid = pcx["VpcPeeringConnectionId"]
        self.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pid)
        return pid

    def composite_alarm(self, spec):
        req = urllib.request.Request(f"{self.endpoint}/_driftdeck/composite-alarm",
                                     data=json.dumps(dict(spec, region=self.region)).encode(), method="POST")
        urllib.request.urlopen(req).read()

    def alarm(self, name, metric, enabled=True):
        self.cw.put_metric_alarm(
            AlarmName=name, Namespace=metric.split("/")[0] + "/" + metric.split("/")[1],
            MetricName=metric.split("/")[2], ComparisonOperator="GreaterThanThreshold", EvaluationPeriods=2,
            Period=300, Threshold=70, Statistic="Average", AlarmActions=[SNS], ActionsEnabled=enabled)


def client_a(endpoint, drift):
    e = Env(endpoint, "eu-west-2")
    ids = e.ids
    azs = ["eu-west-2a", "eu-west-2b", "eu-west-2c"]
    vpc, subnets = e.network("", "client-a-prod", "prod", azs, {
        "cidr": "10.0.0.0/16", "base": "10.0",
        "subnets": {"public": [1, 2, 3], "app": [10, 11, 12], "data": [20, 21, 22], "cache": [30, 31, 32]},
    })
    shared = ids["shared_vpc"] = e.vpc("shared-services", "10.50.0.0/16", "shared")
    pcx = ids["pcx"] = e.peer(vpc, shared)
    for az in azs:
        e.route(ids[f"rt_app_{az[-1]}"], "10.50.0.0/16", pcx)

    alb = ids["sg_alb"] = e.sg(vpc, "client-a-prod-alb", "alb", [("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 443, 443, "0.0.0.0/0")])
    app = ids["sg_app"] = e.sg(vpc, "client-a-prod-app", "app", [("tcp", 8080, 8080, alb)])
    db = ids["sg_db"] = e.sg(vpc, "client-a-prod-db", "db", [("tcp", 5432, 5432, app), ("tcp", 3306, 3306, app)])
    cache = ids["sg_cache"] = e.sg(vpc, "client-a-prod-cache", "cache", [("tcp", 6379, 6379, app)])
    ids["sg_bastion"] = e.sg(vpc, "client-a-prod-bastion", "bastion", [("tcp", 22, 22, c) for c in DEVOPS])

    e.rds.create_db_subnet_group(DBSubnetGroupName="client-a-prod-db", DBSubnetGroupDescription="data tier",
                                 SubnetIds=[subnets[("data", az)] for az in azs])
    common = dict(Engine="postgres", MasterUsername="driftdeck", MasterUserPassword="not-a-secret-123",
                  AllocatedStorage=20, DBSubnetGroupName="client-a-prod-db", VpcSecurityGroupIds=[db])
    e.rds.create_db_instance(DBInstanceIdentifier="client-a-prod-pg", DBInstanceClass="db.t3.medium", MultiAZ=True,
                             StorageEncrypted=True, PubliclyAccessible=False, BackupRetentionPeriod=30,
                             DeletionProtection=True, **common)
    e.ec.create_cache_subnet_group(CacheSubnetGroupName="client-a-prod-cache", CacheSubnetGroupDescription="cache tier",
                                   SubnetIds=[subnets[("cache", az)] for az in azs])
    e.ec.create_replication_group(
        ReplicationGroupId="client-a-prod-redis", ReplicationGroupDescription="sessions and cache", Engine="redis",
        CacheNodeType="cache.t3.medium", ReplicasPerNodeGroup=1, PreferredCacheClusterAZs=azs[:2],
        MultiAZEnabled=True, AutomaticFailoverEnabled=True, AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True, CacheSubnetGroupName="client-a-prod-cache", SecurityGroupIds=[cache])
    e.alarm("client-a-prod-rds-cpu-high", "AWS/RDS/CPUUtilization")
    e.alarm("client-a-prod-alb-5xx", "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count")
    e.alarm("client-a-prod-redis-memory", "AWS/ElastiCache/DatabaseMemoryUsagePercentage")
    e.endpoints_and_flow_logs(vpc, subnets, azs)
    if not drift:
        return ids

    # One of each kind of drift the design must catch.
    e.route(ids["rt_data"], "10.50.0.0/16", pcx)                      # route.peering-forbidden
    e.route(ids["rt_cache"], "0.0.0.0/0", ids["igw"])                 # route.internet-forbidden
    e.ec2.delete_route(RouteTableId=ids["rt_public"], DestinationCidrBlock="0.0.0.0/0")  # route.internet-missing
    e.ec2.delete_route(RouteTableId=ids["rt_app_c"], DestinationCidrBlock="0.0.0.0/0")
    e.route(ids["rt_app_c"], "0.0.0.0/0", ids["nat_a"])               # route.nat-missing (NAT in another AZ)
    e.ingress(app, [("tcp", 22, 22, "0.0.0.0/0")])                    # sg.admin-port-open + sg.public-ingress
    e.ingress(cache, [("tcp", 0, 65535, "::/0")])                     # sg.admin-port-open + sg.public-ingress
    e.ingress(app, [("tcp", 8080, 8080, "10.0.0.0/8")])               # sg.flow-undeclared
    ids["sg_legacy"] = e.sg(vpc, "legacy-workers", None, [])          # sg.unclassified
    e.rds.create_db_instance(DBInstanceIdentifier="client-a-prod-reporting", DBInstanceClass="db.t3.micro",
                             MultiAZ=False, StorageEncrypted=False, PubliclyAccessible=True,
                             BackupRetentionPeriod=1, DeletionProtection=False, **common)
    e.ec.create_replication_group(
        ReplicationGroupId="client-a-prod-sessions", ReplicationGroupDescription="no HA", Engine="redis",
        CacheNodeType="cache.t3.medium", ReplicasPerNodeGroup=0, PreferredCacheClusterAZs=azs[:1],
        MultiAZEnabled=False, AutomaticFailoverEnabled=False, CacheSubnetGroupName="client-a-prod-cache")
    e.cw.set_alarm_state(AlarmName="client-a-prod-rds-cpu-high", StateValue="ALARM",
                         StateReason="Threshold Crossed: 2 datapoints [91.2, 88.0] were greater than the threshold (70.0)")
    e.alarm("client-a-prod-alb-5xx", "AWS/ApplicationELB/HTTPCode_ELB_5XX_Count", enabled=False)
    e.cw.delete_alarms(AlarmNames=["client-a-prod-redis-memory"])     # alarm.missing
    e.alarm("client-a-prod-queue-depth", "AWS/SQS/ApproximateNumberOfMessagesVisible")
    e.cw.set_alarm_state(AlarmName="client-a-prod-queue-depth", StateValue="INSUFFICIENT_DATA",
                         StateReason="Insufficient Data: no datapoints")
    e.composite_alarm({"name": "client-a-prod-service-health", "rule": "ALARM(client-a-prod-rds-cpu-high)",
                       "state": "ALARM", "reason": "client-a-prod-rds-cpu-high is in ALARM", "alarm_actions": [SNS]})
    return ids


def pair_groups(e, ids, prefix, name):
    """The groups of one side of the production / production-pci pair: a public ALB in
    production, an ALB reachable only from production in PCI, app behind the ALB, db
    behind app, bastion from the DevOps ranges (PCI: the office network only)."""
    devops, alb_from = (DEVOPS, "0.0.0.0/0") if prefix == "prod_" else (DEVOPS[:1], "10.20.0.0/16")
    vpc = ids[f"{prefix}vpc"]
    alb = ids[f"{prefix}sg_alb"] = e.sg(vpc, f"{name}-alb", "alb", [("tcp", 443, 443, alb_from)])
    app = ids[f"{prefix}sg_app"] = e.sg(vpc, f"{name}-app", "app", [("tcp", 8080, 8080, alb)])
    ids[f"{prefix}sg_db"] = e.sg(vpc, f"{name}-db", "db", [("tcp", 5432, 5432, app)])
    ids[f"{prefix}sg_bastion"] = e.sg(vpc, f"{name}-bastion", "bastion", [("tcp", 22, 22, c) for c in devops])


def eni(e, subnet, group, what):
    return e.ec2.create_network_interface(SubnetId=subnet, Groups=[group], Description=what)[
        "NetworkInterface"]["NetworkInterfaceId"]


def pair_members(e, ids, prefix, subnets, azs):
    """Live members of one side's roles, so reachability judges real groups: in every AZ
    an app interface, the ALB (production's public, PCI's internal in the app tier) and
    the database (moto's RDS creates no interface: these stand for its nodes); one
    bastion. PCI's data tier also sits behind an ACL that lets nothing out to production
    (the return of anything production sends it), beside its route table."""
    alb_tier = "public" if prefix == "prod_" else "app"
    for az in azs:
        ids[f"{prefix}eni_app_{az[-1]}"] = eni(e, subnets[("app", az)], ids[f"{prefix}sg_app"], "app")
        ids[f"{prefix}eni_alb_{az[-1]}"] = eni(e, subnets[(alb_tier, az)], ids[f"{prefix}sg_alb"], "alb")
        ids[f"{prefix}eni_db_{az[-1]}"] = eni(e, subnets[("data", az)], ids[f"{prefix}sg_db"], "db")
    ids[f"{prefix}eni_bastion"] = eni(e, subnets[("public", azs[0])], ids[f"{prefix}sg_bastion"], "bastion")
    if prefix == "pci_":
        ids["pci_acl_data"] = e.acl(ids["pci_vpc"], [subnets[("data", az)] for az in azs],
                                    [(100, "-1", True, "0.0.0.0/0", None)],
                                    egress=[(90, "-1", False, "10.20.0.0/16", None),
                                            (100, "-1", True, "0.0.0.0/0", None)])


def pair(endpoint, drift):
    e = Env(endpoint, "us-east-1")
    ids = e.ids
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = {}
    for prefix, name, second in (("prod_", "production", 20), ("pci_", "production-pci", 21)):
        _, subnets[prefix] = e.network(prefix, name, name, azs, {
            "cidr": f"10.{second}.0.0/16", "base": f"10.{second}",
            "subnets": {"public": [1, 2, 3], "app": [11, 12, 13], "data": [21, 22, 23]},
        })
    pcx = ids["pcx"] = e.peer(ids["prod_vpc"], ids["pci_vpc"])
    for prefix, other in (("prod_", "10.21.0.0/16"), ("pci_", "10.20.0.0/16")):
        for az in azs:
            e.route(ids[f"{prefix}rt_app_{az[-1]}"], other, pcx)
    for prefix, name in (("prod_", "production"), ("pci_", "production-pci")):
        pair_groups(e, ids, prefix, name)
        pair_members(e, ids, prefix, subnets[prefix], azs)
    if drift:
        e.route(ids["prod_rt_data"], "10.21.0.0/16", pcx)
        e.route(ids["pci_rt_data"], "10.20.0.0/16", pcx)
    return ids


def pair_hub(endpoint, drift):
    """production and production-pci in us-east-1 joined by transit gateway `hub` (issue
    20): both VPCs attached to it (default association and propagation, so its default
    table holds each VPC's CIDR), the app tiers routing the other VPC and on-premises to
    it, a VPN connection on the hub (customer gateway 198.51.100.7, BGP 65000) whose
    on-premises route is a static route in the default table, and a VPN gateway attached
    to production with a second connection. moto reports no tunnel telemetry and cannot
    propagate a VPN gateway's routes: tests judge those on engine fixtures."""
    e = Env(endpoint, "us-east-1")
    ids = e.ids
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = {}
    for prefix, name, second in (("prod_", "production", 20), ("pci_", "production-pci", 21)):
        _, subnets[prefix] = e.network(prefix, name, name, azs, {
            "cidr": f"10.{second}.0.0/16", "base": f"10.{second}",
            "subnets": {"public": [1, 2, 3], "app": [11, 12, 13], "data": [21, 22, 23]},
        })
    tgw = e.ec2.create_transit_gateway(Description="hub", Options={
        "AmazonSideAsn": 64512, "DefaultRouteTableAssociation": "enable",
        "DefaultRouteTablePropagation": "enable", "VpnEcmpSupport": "enable"})["TransitGateway"]
    ids["tgw"] = tgw["TransitGatewayId"]
    e.tag(ids["tgw"], Name="hub")
    ids["tgw_rtb"] = tgw["Options"]["AssociationDefaultRouteTableId"]
    for prefix in ("prod_", "pci_"):
        att = e.ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=ids["tgw"], VpcId=ids[f"{prefix}vpc"],
            SubnetIds=[subnets[prefix][("app", az)] for az in azs])["TransitGatewayVpcAttachment"]
        ids[f"{prefix}tgw_attach"] = att["TransitGatewayAttachmentId"]
    # moto 5.2 associates attachments with the default table but does not propagate their
    # CIDRs into it: the routes propagation would make are written as static routes.
    existing = {r["DestinationCidrBlock"] for r in e.ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=ids["tgw_rtb"], Filters=[{"Name": "state", "Values": ["active"]}])["Routes"]}
    for prefix, cidr in (("prod_", "10.20.0.0/16"), ("pci_", "10.21.0.0/16")):
        if cidr not in existing:
            e.ec2.create_transit_gateway_route(DestinationCidrBlock=cidr, TransitGatewayRouteTableId=ids["tgw_rtb"],
                                               TransitGatewayAttachmentId=ids[f"{prefix}tgw_attach"])
    cgw = e.ec2.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.7", BgpAsn=65000)["CustomerGateway"]
    ids["cgw"] = cgw["CustomerGatewayId"]
    vpn = e.ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=ids["cgw"],
                                      TransitGatewayId=ids["tgw"])["VpnConnection"]
    ids["vpn_hub"] = vpn["VpnConnectionId"]
    vpn_att = e.ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-id", "Values": [ids["vpn_hub"]]}])["TransitGatewayAttachments"]
    if vpn_att:
        ids["vpn_tgw_attach"] = vpn_att[0]["TransitGatewayAttachmentId"]
        e.ec2.create_transit_gateway_route(DestinationCidrBlock="192.168.0.0/16",
                                           TransitGatewayRouteTableId=ids["tgw_rtb"],
                                           TransitGatewayAttachmentId=ids["vpn_tgw_attach"])
    for prefix, other in (("prod_", "10.21.0.0/16"), ("pci_", "10.20.0.0/16")):
        for az in azs:
            for dest in (other, "192.168.0.0/16"):
                e.route(ids[f"{prefix}rt_app_{az[-1]}"], dest, ids["tgw"])
    vgw = e.ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=64513)["VpnGateway"]
    ids["vgw"] = vgw["VpnGatewayId"]
    e.ec2.attach_vpn_gateway(VpcId=ids["prod_vpc"], VpnGatewayId=ids["vgw"])
    ids["vpn_vgw"] = e.ec2.create_vpn_connection(
        Type="ipsec.1", CustomerGatewayId=ids["cgw"], VpnGatewayId=ids["vgw"],
        Options={"StaticRoutesOnly": True})["VpnConnection"]["VpnConnectionId"]
    try:  # moto 5.2 does not serve CreateVpnConnectionRoute: the static route is then absent
        e.ec2.create_vpn_connection_route(VpnConnectionId=ids["vpn_vgw"], DestinationCidrBlock="172.20.0.0/16")
    except Exception:
        pass
    e.route(ids["prod_rt_data"], "172.20.0.0/16", ids["vgw"])
    for prefix, name in (("prod_", "production"), ("pci_", "production-pci")):
        pair_groups(e, ids, prefix, name)
        pair_members(e, ids, prefix, subnets[prefix], azs)
    if drift:
        e.ec2.create_transit_gateway_route(DestinationCidrBlock="10.21.11.0/24",
                                           TransitGatewayRouteTableId=ids["tgw_rtb"], Blackhole=True)
        e.route(ids["prod_rt_data"], "10.21.0.0/16", ids["tgw"])
    return ids


PCI_ACCOUNT = "111111111111"


def pair_accounts(endpoint, drift):
    """production in 123456789012 and production-pci in 111111111111, peered across the
    accounts (requested by production, accepted by production-pci)."""
    prod, pci = Env(endpoint, "us-east-1"), Env(endpoint, "us-east-1", PCI_ACCOUNT)
    ids = {}
    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
    subnets = {}
    for e, prefix, name, second in ((prod, "prod_", "production", 20), (pci, "pci_", "production-pci", 21)):
        _, subnets[prefix] = e.network(prefix, name, name, azs, {
            "cidr": f"10.{second}.0.0/16", "base": f"10.{second}",
            "subnets": {"public": [1, 2, 3], "app": [11, 12, 13], "data": [21, 22, 23]},
        })
        ids.update(e.ids)
    pcx = prod.ec2.create_vpc_peering_connection(
        VpcId=ids["prod_vpc"], PeerVpcId=ids["pci_vpc"], PeerOwnerId=PCI_ACCOUNT)["VpcPeeringConnection"]
    ids["pcx"] = pcx["VpcPeeringConnectionId"]
    pci.ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ids["pcx"])
    for e, prefix, other in ((prod, "prod_", "10.21.0.0/16"), (pci, "pci_", "10.20.0.0/16")):
        for az in azs:
            e.route(ids[f"{prefix}rt_app_{az[-1]}"], other, ids["pcx"])
    for e, prefix, name in ((prod, "prod_", "production"), (pci, "pci_", "production-pci")):
        pair_groups(e, ids, prefix, name)
        pair_members(e, ids, prefix, subnets[prefix], azs)
    if drift:
        pci.route(ids["pci_rt_data"], "10.20.0.0/16", ids["pcx"])
    return ids


def network(endpoint, drift):
    """client-a with network ACLs on the data and cache tiers and prefix lists on admin
    ports. Traps: data-a/b sit behind an ACL whose low-numbered denies win over a wider
    allow (clean); data-c keeps no explicit association and is judged through the VPC's
    default ACL (allows all: a finding on the default ACL); the cache ACL lets 22 in from
    inside devops (clean) but 3389 from the world and 22 over IPv6 (findings); a prefix
    list inside devops on the bastion is clean, a wider one on app is not."""
    ids = client_a(endpoint, False)
    e = Env(endpoint, "eu-west-2")
    e.ids = ids
    vpc = ids["vpc"]
    sub = {}
    for s in e.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        tier = {t["Key"]: t["Value"] for t in s.get("Tags", [])}.get("Tier")
        sub[(tier, s["AvailabilityZone"][-1])] = s["SubnetId"]
    ids["subnet_data_c"] = sub[("data", "c")]
    default = e.ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                   {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    ids["acl_default"] = default[0]["NetworkAclId"]
    ids["acl_data"] = e.acl(vpc, [sub[("data", "a")], sub[("data", "b")]], [
        (90, "6", False, "0.0.0.0/0", (22, 22)),
        (95, "6", False, "0.0.0.0/0", (3389, 3389)),
        (100, "-1", True, "0.0.0.0/0", None),
    ])
    ids["acl_cache"] = e.acl(vpc, [sub[("cache", az)] for az in "abc"], [
        (100, "6", True, "203.0.113.0/24", (22, 22)),
        (110, "6", True, "0.0.0.0/0", (3389, 3389)),
        (120, "6", True, "::/0", (22, 22)),
        (130, "6", True, "10.0.0.0/16", (6379, 6379)),
    ])
    ids["pl_office"] = e.prefix_list("office-vpn", ["203.0.113.0/25", "192.0.2.0/24"])
    ids["pl_wide"] = e.prefix_list("partners", ["203.0.113.0/24", "100.64.0.0/10"])
    for gid, pl in ((ids["sg_bastion"], ids["pl_office"]), (ids["sg_app"], ids["pl_wide"])):
        e.ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": pl}]}])
    if drift:
        e.ec2.delete_vpc_endpoints(VpcEndpointIds=[ids["vpce_kms"]])
        e.ec2.delete_flow_logs(FlowLogIds=[ids["flow_log"]])
        fl = e.ec2.create_flow_logs(
            ResourceIds=[vpc], ResourceType="VPC", TrafficType="REJECT", LogDestinationType="cloud-watch-logs",
            LogGroupName=f"/vpc/{vpc}/flow-logs", DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs")
        ids["flow_log_reject"] = fl["FlowLogIds"][0]
    return ids


def paging(endpoint, drift):
    """client-a plus 130 DB instances: more than one 100-record RDS page."""
    ids = client_a(endpoint, drift)
    e = Env(endpoint, "eu-west-2")
    for i in range(130):
        e.rds.create_db_instance(
            DBInstanceIdentifier=f"client-a-prod-shard-{i:03}", DBInstanceClass="db.t3.medium", Engine="postgres",
            MasterUsername="driftdeck", MasterUserPassword="not-a-secret-123", AllocatedStorage=20,
            DBSubnetGroupName="client-a-prod-db", MultiAZ=True, StorageEncrypted=True, PubliclyAccessible=False,
            BackupRetentionPeriod=30, DeletionProtection=i != 129)
    return ids


def history(endpoint, drift):
    """client-a-prod clean, then drift planted by three known identities: the harness
    records each call with the key that signed it (tests/moto/history.py)."""
    ids = client_a(endpoint, False)
    role = Env(endpoint, "eu-west-2", key="ASIADEPLOYROLESESSION")    # platform-deploy/ci-run-42
    alice = Env(endpoint, "eu-west-2", key="AKIAALICEEXAMPLE")         # IAM user alice
    bob = Env(endpoint, "eu-west-2", key="ASIASSOBOBEXAMPLE")          # SSO user bob@example.com
    role.ingress(ids["sg_app"], [("tcp", 22, 22, "0.0.0.0/0")])        # sg.admin-port-open, by the role
    time.sleep(1.1)                                                    # distinct event seconds
    alice.ingress(ids["sg_app"], [("tcp", 8080, 8080, "10.0.0.0/8")])  # later, same group: sg.flow-undeclared
    bob.route(ids["rt_data"], "10.50.0.0/16", ids["pcx"])              # route.peering-forbidden, by SSO bob
    try:                                                               # a refused attempt: failed, not a change
        alice.ec2.authorize_security_group_ingress(GroupId="sg-doesnotexist", IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    except Exception:
        pass
    role.cw.set_alarm_state(AlarmName="client-a-prod-alb-5xx", StateValue="ALARM",
                            StateReason="Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0)")
    return ids


def busy_history(endpoint, drift):
    """`history`, then a busy account's routine writes after it: DRIFTDECK_NOISE (default
    300) CreateTags calls on the VPC, by the deploy role, as deployments and tagging jobs
    make them. None touches a reported resource, but each is a write event in the window."""
    ids = history(endpoint, drift)
    role = Env(endpoint, "eu-west-2", key="ASIADEPLOYROLESESSION")
    for i in range(int(os.environ.get("DRIFTDECK_NOISE", "300"))):
        role.tag(ids["vpc"], Deployment=f"run-{i}")
    return ids


def controls(endpoint, drift):
    """client-a-prod clean, plus the account controls of issue 23 in eu-west-2: a
    customer key `alias/client-a-data` (rotating unless --drift), a launch template
    requiring IMDSv2 (its version 2 optional with --drift), Security Hub enabled, a
    multi-region trail with validation, logging, and an EKS cluster whose public endpoint
    is open to the devops ranges (0.0.0.0/0 with --drift). No GuardDuty detector: with
    `guardduty = true` that is always drift."""
    ids = client_a(endpoint, False)
    kw = dict(endpoint_url=endpoint, region_name="eu-west-2", **CREDS)
    kms = boto3.client("kms", **kw)
    key = kms.create_key(Description="client-a data")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/client-a-data", TargetKeyId=key)
    if not drift:
        kms.enable_key_rotation(KeyId=key)
    ids["kms_key"] = key
    ec2 = boto3.client("ec2", **kw)
    lt = ec2.create_launch_template(LaunchTemplateName="client-a-app", LaunchTemplateData={
        "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1}})
    ids["launch_template"] = lt["LaunchTemplate"]["LaunchTemplateId"]
    if drift:
        ec2.create_launch_template_version(LaunchTemplateId=ids["launch_template"], LaunchTemplateData={
            "ImageId": "ami-12c6146b", "MetadataOptions": {"HttpTokens": "optional"}})
        ec2.modify_launch_template(LaunchTemplateId=ids["launch_template"], DefaultVersion="2")
    boto3.client("securityhub", **kw).enable_security_hub()
    s3 = boto3.client("s3", **kw)
    s3.create_bucket(Bucket="client-a-trail", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    ct = boto3.client("cloudtrail", **kw)
    ct.create_trail(Name="org-trail", S3BucketName="client-a-trail", IsMultiRegionTrail=True,
                    EnableLogFileValidation=True)
    ct.start_logging(Name="org-trail")
    iam = boto3.client("iam", **{**kw, "region_name": "us-east-1"})
    role = iam.create_role(RoleName="eks-cluster", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    eks = boto3.client("eks", **kw)
    eks.create_cluster(name="client-a", roleArn=role, resourcesVpcConfig={
        "subnetIds": [ids["subnet_app_a"]] if "subnet_app_a" in ids else [],
        "endpointPublicAccess": True,
        "publicAccessCidrs": ["0.0.0.0/0"] if drift else DEVOPS})
    return ids


def ssh_open(endpoint, drift):
    """One write on a running account: the deploy role opens SSH to the world on the group
    named by DRIFTDECK_GROUP (`watch` sees it appear, with its actor)."""
    role = Env(endpoint, "eu-west-2", key="ASIADEPLOYROLESESSION")
    role.ingress(os.environ["DRIFTDECK_GROUP"], [("tcp", 22, 22, "0.0.0.0/0")])
    return {}
ORG_REGIONS = ["eu-west-2", "us-east-1"]
MANAGEMENT = "123456789012"
# name, OU key, tags; matched by tests/moto/org/org.toml as the comment says.
ORG_MEMBERS = [
    ("payments", "ou_prod", {"Environment": "prod"}),            # ou = "Prod": designs/prod.toml
    ("web", "ou_prod", {"Environment": "prod", "Team": "web"}),  # ou = "Prod": designs/prod.toml
    ("cards", "ou_pci", {"Environment": "pci"}),                 # tags: designs/pci.toml
    ("sandbox-alice", "ou_sandbox", {}),                         # no [[match]]: skipped
    ("legacy", "ou_prod", {"Environment": "prod"}),              # closed: SUSPENDED, skipped
]


def org(endpoint, drift):
    """An AWS Organization in the management account 123456789012 (moto's default):
    OUs Prod, Prod/PCI and Sandbox, the members of ORG_MEMBERS moved and tagged, `legacy`
    closed. Through OrganizationAccountAccessRole, each matched member gets the role
    driftdeck-readonly (trusting the management account, policy assets/iam-policy.json)
    and, in both regions, a tagged VPC (10.20/16 for prod, 10.21/16 for pci) with public
    and app subnets in two AZs, an internet gateway on the public tier, and alb and app
    groups (443 from anywhere to alb, 8080 from alb to app). Clean against the designs;
    with --drift, cards' app group in eu-west-2 also takes 22 from anywhere."""
    kw = dict(endpoint_url=endpoint, region_name="us-east-1", **CREDS)
    orgs = boto3.client("organizations", **kw)
    orgs.create_organization(FeatureSet="ALL")
    root = orgs.list_roots()["Roots"][0]["Id"]

    def ou(parent, name):
        return orgs.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]["Id"]

    ids = {"root": root, "account_management": MANAGEMENT}
    ids["ou_prod"] = ou(root, "Prod")
    ids["ou_pci"] = ou(ids["ou_prod"], "PCI")
    ids["ou_sandbox"] = ou(root, "Sandbox")
    for name, parent, tags in ORG_MEMBERS:
        made = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
        account = ids[f"account_{name}"] = made["AccountId"]
        orgs.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ids[parent])
        if tags:
            orgs.tag_resource(ResourceId=account, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    orgs.close_account(AccountId=ids["account_legacy"])
    policy = open(os.path.join(os.path.dirname(__file__), "../../assets/iam-policy.json")).read()
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT}:root"}, "Action": "sts:AssumeRole"}]})
    sts = boto3.client("sts", **kw)
    for name, _, tags in ORG_MEMBERS[:3]:
        account = ids[f"account_{name}"]
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                RoleSessionName="seed")["Credentials"]
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                           aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                           aws_session_token=creds["SessionToken"])
        iam.create_role(RoleName="driftdeck-readonly", AssumeRolePolicyDocument=trust)
        iam.put_role_policy(RoleName="driftdeck-readonly", PolicyName="driftdeck-readonly", PolicyDocument=policy)
        second = 21 if tags["Environment"] == "pci" else 20
        for region in ORG_REGIONS:
            # moto puts every call signed with the assumed key in the member account.
            e = Env(endpoint, region, key=creds["AccessKeyId"])
            prefix = f"{name}_{region}_"
            vpc = ids[f"{prefix}vpc"] = e.vpc(f"{name}-{region}", f"10.{second}.0.0/16", tags["Environment"])
            azs = [f"{region}a", f"{region}b"]
            public = [e.subnet(vpc, f"10.{second}.{i + 1}.0/24", az, "public") for i, az in enumerate(azs)]
            for i, az in enumerate(azs):
                e.subnet(vpc, f"10.{second}.{i + 11}.0/24", az, "app")
            igw = e.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            e.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            e.route_table(vpc, public, [("0.0.0.0/0", igw)])
            alb = ids[f"{prefix}sg_alb"] = e.sg(vpc, f"{name}-alb", "alb", [("tcp", 443, 443, "0.0.0.0/0")])
            ids[f"{prefix}sg_app"] = e.sg(vpc, f"{name}-app", "app", [("tcp", 8080, 8080, alb)])
            if drift and name == "cards" and region == "eu-west-2":
                e.ingress(ids[f"{prefix}sg_app"], [("tcp", 22, 22, "0.0.0.0/0")])
    return ids


def main():
    endpoint, scenario = sys.argv[1], sys.argv[2]
    drift = "--drift" in sys.argv[3:]
    scenarios = {"client-a": client_a, "pair": pair, "pair-accounts": pair_accounts, "pair-hub": pair_hub,
                 "network": network, "paging": paging, "history": history, "busy-history": busy_history,
                 "ssh-open": ssh_open, "org": org, "controls": controls}
    ids = scenarios[scenario](endpoint, drift)
    print(json.dumps(ids, sort_keys=True))


if __name__ == "__main__":
    main()
