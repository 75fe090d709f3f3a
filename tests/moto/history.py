"""History for the moto harness: CloudTrail LookupEvents and CloudWatch DescribeAlarmHistory,
which moto does not implement, GENERATED from the real calls that pass through the harness.

Every mutating request the harness forwards to moto is recorded with its parameters, the
access key that signed it and moto's answer (an error answer makes a failed event, with
its errorCode). Access keys map to identities (IDENTITIES): an assumed-role session, an
IAM user, an IAM Identity Center user. SetAlarmState / PutMetricAlarm calls record the
alarm's real state before and after, read from moto's backend. Nothing here is a
hand-written response: an empty account has an empty history.

Each record is also handed to events.py, which (when enabled) sends it to an SQS queue in
the EventBridge envelope, for `--events`.
"""

import datetime
import json
import re
import threading
import time
import urllib.parse
import uuid

import events

ACCOUNT = "123456789012"

IDENTITIES = {
    "ASIADEPLOYROLESESSION": {
        "type": "AssumedRole", "principalId": "AROADEPLOYEXAMPLE:ci-run-42",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/platform-deploy/ci-run-42", "accountId": ACCOUNT,
        "accessKeyId": "ASIADEPLOYROLESESSION",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROADEPLOYEXAMPLE",
                                             "arn": f"arn:aws:iam::{ACCOUNT}:role/platform-deploy",
                                             "accountId": ACCOUNT, "userName": "platform-deploy"},
                           "attributes": {"mfaAuthenticated": "false"}},
    },
    "AKIAALICEEXAMPLE": {
        "type": "IAMUser", "principalId": "AIDAALICEEXAMPLE", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "accountId": ACCOUNT, "accessKeyId": "AKIAALICEEXAMPLE", "userName": "alice",
    },
    "ASIASSOBOBEXAMPLE": {
        "type": "AssumedRole", "principalId": "AROASSOEXAMPLE:bob@example.com",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_NetworkAdmin_0123456789abcdef/bob@example.com",
        "accountId": ACCOUNT, "accessKeyId": "ASIASSOBOBEXAMPLE",
        "sessionContext": {"sessionIssuer": {
            "type": "Role", "principalId": "AROASSOEXAMPLE", "accountId": ACCOUNT,
            "arn": f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_NetworkAdmin_0123456789abcdef",
            "userName": "AWSReservedSSO_NetworkAdmin_0123456789abcdef"}},
    },
}

SOURCES = {"ec2": "ec2.amazonaws.com", "rds": "rds.amazonaws.com", "elasticache": "elasticache.amazonaws.com",
           "monitoring": "monitoring.amazonaws.com"}
READ = re.compile(r"^(Describe|List|Get|Lookup)")

_lock = threading.Lock()
_events = []        # CloudTrail records (dicts), oldest first
_transitions = []   # alarm history items (dicts)
_lookups = []       # wall-clock times of LookupEvents requests
_lookup_keys = []   # the lookup attribute each of them asked by


def reset():
    with _lock:
        _events.clear()
        _transitions.clear()
        _lookups.clear()
        _lookup_keys.clear()


def age(seconds):
    """Shift every recorded event and transition `seconds` into the past."""
    with _lock:
        for e in _events:
            e["_t"] -= seconds
            e["eventTime"] = _iso(e["_t"])
        for t in _transitions:
            t["_t"] -= seconds
    return {"events": len(_events), "transitions": len(_transitions)}


def lookups():
    with _lock:
        return list(_lookups), list(_lookup_keys)


def _iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lower_first(k):
    return k[:1].lower() + k[1:]


def _query_params(flat):
    """EC2/RDS query parameters (`IpPermissions.1.IpRanges.1.CidrIp`) as CloudTrail writes
    them: camelCase names, EC2 lists as {"items": [...]}, ports as numbers."""
    root = {}
    for key, value in flat.items():
        if key in ("Action", "Version"):
            continue
        parts = key.split(".")
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part.isdigit():
                continue
            name = _lower_first(part)
            nxt_is_index = not last and parts[i + 1].isdigit()
            if last:
                node[name] = int(value) if name.endswith("Port") and value.lstrip("-").isdigit() else value
            elif nxt_is_index:
                lst = node.setdefault(name, {"items": []})["items"]
                idx = int(parts[i + 1]) - 1
                while len(lst) <= idx:
                    lst.append({})
                if i + 1 == len(parts) - 1:
                    lst[idx] = flat[key]
                    break
                node = lst[idx]
            else:
                node = node.setdefault(name, {})
    return root


def _json_params(obj):
    if isinstance(obj, dict):
        return {_lower_first(k): _json_params(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_json_params(v) for v in obj]
    if isinstance(obj, datetime.datetime):
        return obj.timestamp()
    return obj


def access_key(environ):
    m = re.search(r"Credential=([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else ""


def region_of(environ):
    m = re.search(r"Credential=[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else "us-east-1"


def alarm_state(region, name):
    from moto.cloudwatch.models import cloudwatch_backends
    alarm = cloudwatch_backends[ACCOUNT][region].alarms.get(name)
    return (alarm.state_value, alarm.state_reason) if alarm else (None, None)


def params_of(environ, body, json_request):
    if json_request is not None:
        return _json_params(json_request)
    flat = {}
    for text in (environ.get("QUERY_STRING", ""), body.decode("latin-1")):
        for k, v in urllib.parse.parse_qs(text).items():
            flat[k] = v[0]
    return _query_params(flat)


# Request parameters that name a resource, as CloudTrail lists it in an event's
# `resources` (what LookupEvents' ResourceName attribute matches).
ID_KEYS = {"groupId", "routeTableId", "networkAclId", "vpcEndpointId", "vpcPeeringConnectionId", "subnetId",
           "vpcId", "resourceId", "flowLogId", "dBInstanceIdentifier", "dBClusterIdentifier", "replicationGroupId",
           "cacheClusterId", "alarmName", "alarmNames"}
# Ids a Create* answer names (the request cannot: the resource did not exist yet).
CREATED = re.compile(r"<(groupId|routeTableId|networkAclId|vpcEndpointId|vpcPeeringConnectionId|flowLogId)>"
                     r"([^<]+)</")


def _resources(params, action, answer):
    found = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k if k != "items" else key)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in ID_KEYS and node not in found:
            found.append(node)

    walk(params)
    if action.startswith("Create"):
        for _, rid in CREATED.findall(answer.decode("utf-8", "replace")):
            if rid not in found:
                found.append(rid)
    return found


def _account_of(key):
    """The account moto acts in for this access key (an assumed role's keys belong to its
    account): where CloudTrail would record the call."""
    try:
        from moto.iam.models import get_account_id_from
        return get_account_id_from(key)
    except Exception:
        return ACCOUNT


def record(environ, service, action, params, status, answer, before):
    """Record one mutating call that moto answered (`answer`: response body bytes)."""
    if not action or READ.match(action) or service not in SOURCES:
        return
    key = access_key(environ)
    identity = IDENTITIES.get(key) or {"type": "IAMUser", "principalId": "AIDA" + key.upper(),
                                       "arn": f"arn:aws:iam::{ACCOUNT}:user/{key}", "accountId": ACCOUNT,
                                       "accessKeyId": key, "userName": key}
    # CloudTrail records event times to the second (eventTime "…:SSZ", EventTime in whole
    # seconds); keeping sub-second times here made a lookup's EndTime, sent by the SDK,
    # exclude an event of the same second.
    now = float(int(time.time()))
    rec = {
        "eventVersion": "1.11", "userIdentity": identity, "eventTime": _iso(now), "eventSource": SOURCES[service],
        "eventName": action, "awsRegion": region_of(environ), "sourceIPAddress": environ.get("REMOTE_ADDR", ""),
        "userAgent": environ.get("HTTP_USER_AGENT", ""), "requestParameters": params, "responseElements": None,
        "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()), "readOnly": False,
        "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": _account_of(key),
        "eventCategory": "Management", "_t": now, "_key": key,
        "_resources": _resources(params, action, answer) if status.startswith("2") else [],
    }
    if not status.startswith("2"):
        text = answer.decode("utf-8", "replace")
        code = re.search(r"<Code>([^<]+)</Code>", text) or re.search(r'"__type"\s*:\s*"([^"]+)"', text)
        msg = re.search(r"<Message>([^<]*)</Message>", text) or re.search(r'"message"\s*:\s*"([^"]*)"', text)
        rec["errorCode"] = code.group(1).split("#")[-1] if code else status.split(" ", 1)[0]
        if msg:
            rec["errorMessage"] = msg.group(1)
    with _lock:
        _events.append(rec)
    events.publish(rec)
    if service == "monitoring" and action in ("SetAlarmState", "PutMetricAlarm") and status.startswith("2"):
        name = params.get("alarmName")
        old = before or (None, None)
        new_state, new_reason = alarm_state(region_of(environ), name)
        # A new alarm has no previous state to leave: only changes of an existing one count.
        if old[0] and new_state and old[0] != new_state:
            data = {"version": "1.0", "oldState": {"stateValue": old[0], "stateReason": old[1] or ""},
                    "newState": {"stateValue": new_state, "stateReason": new_reason or ""}}
            with _lock:
                _transitions.append({"AlarmName": name, "AlarmType": "MetricAlarm", "_t": now,
                                     "HistoryItemType": "StateUpdate",
                                     "HistorySummary": f"Alarm updated from {old[0]} to {new_state}",
                                     "HistoryData": json.dumps(data)})


def _epoch(v):
    if v is None:
        return None
    if isinstance(v, datetime.datetime):
        return v.timestamp()
    return float(v)


def lookup_events(request):
    """CloudTrail LookupEvents (awsJson1_1): newest first, one lookup attribute (ReadOnly,
    EventName, EventSource, AccessKeyId, Username or ResourceName), paged."""
    with _lock:
        _lookups.append(time.time())
        _lookup_keys.append(",".join(a.get("AttributeKey", "") for a in request.get("LookupAttributes") or []))
        events = list(_events)
    attrs = request.get("LookupAttributes") or []
    start, end = _epoch(request.get("StartTime")), _epoch(request.get("EndTime"))
    out = []
    for e in reversed(events):
        if start is not None and e["_t"] < start or end is not None and e["_t"] > end:
            continue
        ok = True
        for a in attrs:
            k, v = a.get("AttributeKey"), a.get("AttributeValue")
            if k == "ResourceName":
                ok = ok and v in e["_resources"]
                continue
            have = {"EventName": e["eventName"], "ReadOnly": "false", "EventSource": e["eventSource"],
                    "AccessKeyId": e["_key"], "Username": e["userIdentity"].get("userName", "")}.get(k)
            ok = ok and have == v
        if ok:
            out.append(e)
    size = max(1, min(int(request.get("MaxResults") or 50), 50))
    offset = int(request.get("NextToken") or 0)
    page = out[offset:offset + size]
    body = {"Events": [{
        "EventId": e["eventID"], "EventName": e["eventName"], "ReadOnly": "false", "AccessKeyId": e["_key"],
        "EventTime": e["_t"], "EventSource": e["eventSource"], "Username": e["userIdentity"].get("userName", ""),
        "Resources": [{"ResourceName": r} for r in e["_resources"]],
        "CloudTrailEvent": json.dumps({k: v for k, v in e.items() if not k.startswith("_")}),
    } for e in page]}
    if offset + size < len(out):
        body["NextToken"] = str(offset + size)
    return body


def describe_alarm_history(request):
    """CloudWatch DescribeAlarmHistory: StateUpdate items from the recorded transitions."""
    with _lock:
        items = list(_transitions)
    kind = request.get("HistoryItemType")
    types = request.get("AlarmTypes") or ["MetricAlarm"]
    start, end = _epoch(request.get("StartDate")), _epoch(request.get("EndDate"))
    out = [t for t in items
           if (not request.get("AlarmName") or t["AlarmName"] == request["AlarmName"])
           and (not kind or kind == t["HistoryItemType"]) and t["AlarmType"] in types
           and (start is None or t["_t"] >= start) and (end is None or t["_t"] <= end)]
    out.sort(key=lambda t: t["_t"], reverse=request.get("ScanBy", "TimestampDescending") == "TimestampDescending")
    size = max(1, min(int(request.get("MaxRecords") or 100), 100))
    offset = int(request.get("NextToken") or 0)
    body = {"AlarmHistoryItems": [dict({k: v for k, v in t.items() if not k.startswith("_")}, Timestamp=t["_t"])
                                  for t in out[offset:offset + size]]}
    if offset + size < len(out):
        body["NextToken"] = str(offset + size)
    return body
