"""Record the built-in demo (assets/demo/) from moto: the client-a-prod environment with
some standing drift, then a scripted sequence, each step a full `driftdeck snapshot`.

The base is client-a-prod with a few standing departures from the design (not the full
`seed.py client-a --drift` set, which would bury the scripted changes under 24 findings).

The scripted changes are made by known identities (the harness maps the access key that
signs a call to one, tests/moto/history.py): SSH is opened by the platform-deploy role's
session, closed by the IAM user alice, and the data-tier peering route is added by the SSO
user bob. The harness generates CloudTrail events and alarm transitions from those real
calls; `driftdeck history` records them into history.json, which the demo replays (each
event re-timed to its frame).

Usage: record_demo.py ENDPOINT OUT_DIR  (run by scripts/record-demo.sh from the repo root)
"""

import os
import subprocess
import sys
import time

import seed

STEPS = [
    ("00-base.json", 0, "client-a-prod with standing drift: a reporting DB and a session cache outside the design"),
    ("01-alarm.json", 10, "client-a-prod-alb-5xx goes to ALARM"),
    ("02-ssh-open.json", 20, "someone opens SSH to the world on the app group"),
    ("03-ssh-closed.json", 32, "the SSH rule is removed again"),
    ("04-data-peering.json", 42, "a peering route appears in the data tier"),
]


def driftdeck(endpoint, args, stdout=None):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_EC2_METADATA_DISABLED="true", AWS_ENDPOINT_URL=endpoint)
    subprocess.run(["cargo", "run", "--quiet", "--"] + args, env=env, check=True, stdout=stdout)


def snapshot(endpoint, out):
    driftdeck(endpoint, ["snapshot", "--design", "config/designs/client-a-prod.toml", "--out", out])


def main():
    endpoint, out_dir = sys.argv[1:3]
    ids = seed.client_a(endpoint, drift=False)
    e = seed.Env(endpoint, "eu-west-2")
    role = seed.Env(endpoint, "eu-west-2", key="ASIADEPLOYROLESESSION")  # platform-deploy/ci-run-42
    alice = seed.Env(endpoint, "eu-west-2", key="AKIAALICEEXAMPLE")       # IAM user alice
    bob = seed.Env(endpoint, "eu-west-2", key="ASIASSOBOBEXAMPLE")        # SSO user bob@example.com
    # Standing drift, present from the first frame.
    e.rds.create_db_instance(
        DBInstanceIdentifier="client-a-prod-reporting", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="driftdeck", MasterUserPassword="not-a-secret-123", AllocatedStorage=20,
        DBSubnetGroupName="client-a-prod-db", MultiAZ=False, StorageEncrypted=True, PubliclyAccessible=False,
        BackupRetentionPeriod=7, DeletionProtection=True, VpcSecurityGroupIds=[ids["sg_db"]])
    e.ec.create_replication_group(
        ReplicationGroupId="client-a-prod-sessions", ReplicationGroupDescription="sessions", Engine="redis",
        CacheNodeType="cache.t3.medium", ReplicasPerNodeGroup=0, PreferredCacheClusterAZs=["eu-west-2a"],
        MultiAZEnabled=False, AutomaticFailoverEnabled=False, AtRestEncryptionEnabled=True,
        TransitEncryptionEnabled=True, CacheSubnetGroupName="client-a-prod-cache")
    e.sg(ids["vpc"], "legacy-workers", None, [])

    script = ["# The demo's scripted sequence: each frame is a full snapshot recorded from moto",
              "# by scripts/record-demo.sh; `after_secs` is when it takes over after start.", ""]
    for name, after, caption in STEPS:
        # CloudTrail times are whole seconds: a change in the same second as the previous
        # snapshot could not be told apart from it when the demo re-times history by frame.
        time.sleep(1.1)
        if name == "01-alarm.json":
            e.cw.set_alarm_state(AlarmName="client-a-prod-alb-5xx", StateValue="ALARM",
                                 StateReason="Threshold Crossed: 1 datapoint [57.0] was greater than the threshold (10.0)")
        elif name == "02-ssh-open.json":
            role.ingress(ids["sg_app"], [("tcp", 22, 22, "0.0.0.0/0")])
        elif name == "03-ssh-closed.json":
            alice.ec2.revoke_security_group_ingress(GroupId=ids["sg_app"], IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        elif name == "04-data-peering.json":
            bob.route(ids["rt_data"], "10.50.0.0/16", ids["pcx"])
        snapshot(endpoint, os.path.join(out_dir, name))
        script += ["[[frame]]", f'file = "{name}"', f"after_secs = {after}", f'caption = "{caption}"', ""]
    with open(os.path.join(out_dir, "script.toml"), "w") as f:
        f.write("\n".join(script))
    # The history of everything above, as the harness generated it from the real calls.
    with open(os.path.join(out_dir, "history.json"), "w") as f:
        driftdeck(endpoint, ["history", "--design", "config/designs/client-a-prod.toml", "--since", "6h",
                             "--format", "json"], stdout=f)


if __name__ == "__main__":
    main()
