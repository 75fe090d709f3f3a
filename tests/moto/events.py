"""EventBridge for the moto harness (`--events QUEUE_URL`).

moto emits no EventBridge events for EC2, RDS, ElastiCache or CloudWatch calls. So, when
enabled, every write call that history.py records (its CloudTrail emulation, BUILT FROM
THE REAL CALLS that pass through the harness on their way to moto) is also sent to an SQS
queue that moto serves, wrapped in the documented EventBridge envelope, as an EventBridge
rule on "AWS API Call via CloudTrail" with that queue as its target would deliver it:
`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources` and
`detail`, the CloudTrail record itself. Nothing is hand-written: no call, no event.

Control (server.py): POST /_driftdeck/events {"queue_url": URL, "region": R,
"duplicates": false} enables (the queue must exist in moto); DELETE disables;
GET /_driftdeck/events/stats says how many were sent. "duplicates" sends each event twice,
as SQS's at-least-once delivery may.
"""

import json
import threading
import urllib.parse
import uuid

# The `source` EventBridge gives each service's CloudTrail events.
SOURCES = {"ec2.amazonaws.com": "aws.ec2", "rds.amazonaws.com": "aws.rds",
           "elasticache.amazonaws.com": "aws.elasticache", "monitoring.amazonaws.com": "aws.cloudwatch"}

_lock = threading.Lock()
_target = None   # {"account", "region", "queue", "duplicates"}
_sent = 0


def _queue_of(url):
    """(account, queue name) from a queue URL: http(s)://host/ACCOUNT/NAME."""
    parts = [p for p in urllib.parse.urlparse(url).path.split("/") if p]
    if len(parts) != 2:
        raise ValueError(f"not a queue URL (…/ACCOUNT/NAME): {url}")
    return parts[0], parts[1]


def _backend(account, region):
    from moto.sqs.models import sqs_backends
    return sqs_backends[account][region]


def enable(queue_url, region, duplicates=False):
    """Send every recorded write to this queue from now on. Raises if moto has no such queue."""
    global _target
    account, name = _queue_of(queue_url)
    _backend(account, region).get_queue(name)  # raises QueueDoesNotExist
    with _lock:
        _target = {"account": account, "region": region, "queue": name, "duplicates": bool(duplicates)}
    return dict(_target)


def disable():
    global _target, _sent
    with _lock:
        _target = None
        _sent = 0


def stats():
    with _lock:
        return {"enabled": _target is not None, "sent": _sent}


def envelope(rec):
    """The EventBridge event for one CloudTrail record (a history.py record: its `_` keys
    are the harness's own and are left out of `detail`)."""
    detail = {k: v for k, v in rec.items() if not k.startswith("_")}
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "AWS API Call via CloudTrail",
        "source": SOURCES.get(detail.get("eventSource", ""), "aws." + detail.get("eventSource", "").split(".")[0]),
        "account": detail.get("recipientAccountId", ""),
        "time": detail.get("eventTime", ""),
        "region": detail.get("awsRegion", ""),
        "resources": [],
        "detail": detail,
    }


def publish(rec):
    """Called by history.record for every write it records; a no-op unless enabled."""
    global _sent
    with _lock:
        target = dict(_target) if _target else None
    if not target:
        return
    body = json.dumps(envelope(rec))
    backend = _backend(target["account"], target["region"])
    for _ in range(2 if target["duplicates"] else 1):
        backend.send_message(target["queue"], body)
        with _lock:
            _sent += 1
