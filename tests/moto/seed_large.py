"""Seed a large environment for benchmarks: many security groups with rules, route
tables, DB instances and alarms, in the client-a-prod VPC. Usage: seed_large.py ENDPOINT SCALE
(SCALE 1 = 500 groups x 6 rules, 128 route tables, 50 DB instances, 250 alarms)."""

import sys

import seed


def main():
    endpoint, scale = sys.argv[1], int(sys.argv[2])
    ids = seed.client_a(endpoint, drift=False)
    e = seed.Env(endpoint, "eu-west-2")
    vpc = ids["vpc"]
    for i in range(500 * scale):
        rules = [("tcp", 8000 + j, 8000 + j, f"10.{j}.0.0/16") for j in range(6)]
        e.sg(vpc, f"bench-{i}", ["app", "db", "cache"][i % 3], rules)
    subnet = e.ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]
    for i in range(128 * scale):
        rtb = e.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        if i == 0:
            e.ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    for i in range(50 * scale):
        e.rds.create_db_instance(DBInstanceIdentifier=f"bench-{i}", DBInstanceClass="db.t3.medium", Engine="postgres",
                                 MasterUsername="u", MasterUserPassword="not-a-secret-123", AllocatedStorage=20,
                                 DBSubnetGroupName="client-a-prod-db", MultiAZ=True, StorageEncrypted=True,
                                 BackupRetentionPeriod=30, DeletionProtection=True)
    for i in range(250 * scale):
        e.alarm(f"client-a-prod-bench-{i}", "AWS/EC2/CPUUtilization")


if __name__ == "__main__":
    main()
