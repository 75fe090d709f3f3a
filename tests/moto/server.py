"""moto in server mode, in-process, for driftdeck's integration tests.

Three small WSGI layers in front of moto's own app:
- CloudWatch over Smithy RPC v2 CBOR (what aws-sdk-cloudwatch 1.100+ speaks) is
  translated to the awsJson1_0 protocol moto routes, and the answer back to CBOR.
- /_driftdeck/faults makes chosen operations fail, so error paths run through the real
  SDK. A rule is {"action": OP or "*", "fault": F, "times": N}; F is "error" (default:
  `status`/`code` in the protocol the caller speaks, e.g. 503 or throttling), "reset"
  (the connection is reset, no answer), "truncated" (200 whose body stops short of its
  Content-Length), "malformed" (200 with a body that does not parse), "slow" (the real
  answer after `delay` seconds) or "hang" (no answer for `delay` seconds, then 503).
  `times` makes a rule expire after N hits; GET /_driftdeck/faults/stats counts hits.
- /_driftdeck/composite-alarm puts a composite alarm into moto's backend directly
  (moto's PutCompositeAlarm API answers 500).
- History (history.py): CloudTrail LookupEvents (awsJson1_1) and CloudWatch
  DescribeAlarmHistory (CBOR), which moto lacks, generated from the real mutating calls
  recorded on their way to moto. /_driftdeck/history/age shifts the recorded history into
  the past; /_driftdeck/history/lookups lists when each LookupEvents request arrived.
- Events (events.py): POST /_driftdeck/events {"queue_url", "region"} sends each recorded
  write, built from the real call as the history is, to an SQS queue in moto in the
  EventBridge envelope (moto emits no EventBridge events for these calls); DELETE stops it;
  GET /_driftdeck/events/stats counts what was sent.

Usage: server.py PORT   (0 picks a free port; prints "PORT=<n>" once it listens).
Exits when its stdin closes or its parent dies, so a test harness never leaks it.
"""

import base64
import datetime
import io
import json
import logging
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid

import botocore.loaders
import cbor2
import events
import history
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

CBOR_PATH = re.compile(r"^/service/GraniteServiceVersion20100801/operation/(\w+)$")
ACCOUNT = "123456789012"

_faults = []
_faults_lock = threading.Lock()
_fault_hits = {}


def _timestamp_paths():
    """For each CloudWatch operation, which output members are timestamps (by path)."""
    model = botocore.loaders.Loader().load_service_model("cloudwatch", "service-2")
    shapes = model["shapes"]

    def walk(shape_name, depth=0):
        shape = shapes[shape_name]
        kind = shape["type"]
        if kind == "timestamp":
            return True
        if depth > 8:
            return None
        if kind == "structure":
            out = {}
            for member, ref in shape.get("members", {}).items():
                sub = walk(ref["shape"], depth + 1)
                if sub:
                    out[member] = sub
            return out or None
        if kind == "list":
            sub = walk(shape["member"]["shape"], depth + 1)
            return {"[]": sub} if sub else None
        if kind == "map":
            sub = walk(shape["value"]["shape"], depth + 1)
            return {"{}": sub} if sub else None
        return None

    paths = {}
    for op, spec in model["operations"].items():
        out = spec.get("output")
        paths[op] = walk(out["shape"]) if out else None
    return paths


TIMESTAMPS = _timestamp_paths()


def _epoch(value):
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.replace("Z", "+00:00")
        parsed = datetime.datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.timezone.utc)
        return parsed.timestamp()
    return value


def _tag_timestamps(value, paths):
    """Mark timestamp members as CBOR tag 1 (epoch seconds), as RPC v2 CBOR requires."""
    if paths is True:
        return cbor2.CBORTag(1, _epoch(value)) if value is not None else None
    if not paths or value is None:
        return value
    if isinstance(value, list):
        return [_tag_timestamps(v, paths.get("[]")) for v in value]
    if isinstance(value, dict):
        if "{}" in paths:
            return {k: _tag_timestamps(v, paths["{}"]) for k, v in value.items()}
        return {k: _tag_timestamps(v, paths.get(k)) for k, v in value.items()}
    return value


def _json_default(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    raise TypeError(f"cannot encode {type(value)}")


def _read_body(environ):
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _search_tgw_routes(environ, start_response, body):
    """SearchTransitGatewayRoutes as EC2 answers it: the table's routes that pass the
    `state` / `type` filters, each with its attachment (id, resource id and type)."""
    from urllib.parse import parse_qsl
    from xml.sax.saxutils import escape
    from moto.ec2.models import ec2_backends
    try:
        from moto.iam.models import get_account_id_from
        account = get_account_id_from(history.access_key(environ))
    except Exception:
        account = "123456789012"
    params = dict(parse_qsl(body.decode(), keep_blank_values=True))
    wanted = {}
    for k, v in params.items():
        m = re.match(r"Filter\.(\d+)\.Name$", k)
        if m:
            n = m.group(1)
            wanted[v] = {params[x] for x in params if x.startswith(f"Filter.{n}.Value.")}
    table = ec2_backends[account][history.region_of(environ)].transit_gateways_route_tables.get(
        params.get("TransitGatewayRouteTableId", ""))
    items = []
    for r in (table.routes.values() if table else []):
        if any(r.get(key) not in values for key, values in wanted.items() if key in ("state", "type")):
            continue
        atts = r.get("transitGatewayAttachments") or []
        atts = [atts] if isinstance(atts, dict) else atts
        att_xml = "".join(
            "<item><resourceId>{}</resourceId><transitGatewayAttachmentId>{}</transitGatewayAttachmentId>"
            "<resourceType>{}</resourceType></item>".format(
                escape(a.get("resourceId") or ""), escape(a.get("transitGatewayAttachmentId") or ""),
                escape(a.get("resourceType") or "")) for a in atts)
        items.append(
            f"<item><destinationCidrBlock>{escape(r.get('destinationCidrBlock') or '')}</destinationCidrBlock>"
            f"<transitGatewayAttachments>{att_xml}</transitGatewayAttachments>"
            f"<type>{escape(r.get('type') or 'static')}</type><state>{escape(r.get('state') or 'active')}</state></item>")
    out = ('<?xml version="1.0" encoding="UTF-8"?>\n<SearchTransitGatewayRoutesResponse '
           'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>driftdeck-harness</requestId>'
           f'<routeSet>{"".join(items)}</routeSet><additionalRoutesAvailable>false</additionalRoutesAvailable>'
           '</SearchTransitGatewayRoutesResponse>').encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(out)))])
    return [out]


def _service_of(environ):
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", auth)
    return m.group(1) if m else ""


def _action_of(environ, body):
    m = CBOR_PATH.match(environ.get("PATH_INFO", ""))
    if m:
        return m.group(1)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if "." in target:
        return target.rsplit(".", 1)[1]
    for params in (environ.get("QUERY_STRING", ""), body.decode("latin-1")):
        action = urllib.parse.parse_qs(params).get("Action")
        if action:
            return action[0]
    return ""


def _fault_response(start_response, environ, rule):
    status = int(rule.get("status", 503))
    code = rule.get("code", "ServiceUnavailable")
    message = rule.get("message", "injected fault")
    reason = {400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}
    line = f"{status} {reason.get(status, 'Error')}"
    if CBOR_PATH.match(environ.get("PATH_INFO", "")):
        body = cbor2.dumps({"__type": code, "message": message})
        start_response(line, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                              ("Content-Length", str(len(body)))])
        return [body]
    if environ.get("HTTP_X_AMZ_TARGET"):
        body = json.dumps({"__type": code, "message": message}).encode()
        start_response(line, [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(body)))])
        return [body]
    request_id = str(uuid.uuid4())
    if _service_of(environ) == "ec2":
        xml = (f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>"
               f"<RequestID>{request_id}</RequestID></Response>")
    else:
        xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>"
               f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>")
    start_response(line, [("Content-Type", "text/xml"), ("Content-Length", str(len(xml.encode())))])
    return [xml.encode()]


def _malformed_body(environ):
    if CBOR_PATH.match(environ.get("PATH_INFO", "")):
        return b"\xff\xfe\x00not cbor", "application/cbor"
    if environ.get("HTTP_X_AMZ_TARGET"):
        return b'{"MetricAlarms": [{"AlarmName": ', "application/x-amz-json-1.0"
    return b"<DescribeResponse><unclosed attr='1'><<>>", "text/xml"


def _special_fault(start_response, environ, rule, forward):
    """The faults other than an error status. `forward` produces the real answer."""
    fault = rule.get("fault", "error")
    if fault == "slow":
        time.sleep(float(rule.get("delay", 2)))
        return forward()
    if fault == "hang":
        time.sleep(float(rule.get("delay", 60)))
        return _fault_response(start_response, environ, rule)
    if fault == "reset":
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            import socket
            import struct
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        raise ConnectionResetError("injected connection reset")
    if fault == "truncated":
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers

        body = b"".join(forward(capture))
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response("200 OK", headers + [("Content-Length", str(len(body) + 100))])
        return [body[: len(body) // 2]]
    if fault == "malformed":
        body, ctype = _malformed_body(environ)
        headers = [("Content-Type", ctype), ("Content-Length", str(len(body)))]
        if ctype == "application/cbor":
            headers.append(("smithy-protocol", "rpc-v2-cbor"))
        start_response("200 OK", headers)
        return [body]
    return _fault_response(start_response, environ, rule)


def _json_reply(start_response, status, payload):
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(payload).encode()]


def _control(environ, start_response, body):
    path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
    if path == "/_driftdeck/faults/stats":
        with _faults_lock:
            return _json_reply(start_response, "200 OK", {"hits": dict(_fault_hits)})
    if path == "/_driftdeck/faults":
        with _faults_lock:
            if method == "DELETE":
                _faults.clear()
            else:
                _faults[:] = json.loads(body or b"{}").get("rules", [])
            return _json_reply(start_response, "200 OK", {"rules": list(_faults)})
    if path == "/_driftdeck/history/age" and method == "POST":
        return _json_reply(start_response, "200 OK", history.age(float(json.loads(body)["seconds"])))
    if path == "/_driftdeck/history/lookups":
        times, keys = history.lookups()
        return _json_reply(start_response, "200 OK", {"times": times, "keys": keys})
    if path == "/_driftdeck/events/stats":
        return _json_reply(start_response, "200 OK", events.stats())
    if path == "/_driftdeck/events":
        if method == "DELETE":
            events.disable()
            return _json_reply(start_response, "200 OK", events.stats())
        spec = json.loads(body or b"{}")
        try:
            target = events.enable(spec["queue_url"], spec.get("region", "eu-west-2"), spec.get("duplicates", False))
        except Exception as e:  # a missing queue or a bad URL: said, not a 500
            return _json_reply(start_response, "400 Bad Request", {"error": f"{type(e).__name__}: {e}"})
        return _json_reply(start_response, "200 OK", target)
    if path == "/_driftdeck/composite-alarm" and method == "POST":
        from moto.cloudwatch.models import cloudwatch_backends

        spec = json.loads(body)
        backend = cloudwatch_backends[ACCOUNT][spec.get("region", "eu-west-2")]
        backend.put_metric_alarm(
            name=spec["name"], namespace=None, metric_name=None, comparison_operator=None,
            evaluation_periods=None, period=None, threshold=None, statistic=None,
            description=spec.get("description", ""), dimensions=[],
            alarm_actions=spec.get("alarm_actions", []), actions_enabled=spec.get("actions_enabled", True),
            rule=spec["rule"],
        )
        if spec.get("state"):
            backend.set_alarm_state(spec["name"], spec.get("reason", "injected"), None, spec["state"])
        return _json_reply(start_response, "200 OK", {"ok": True})
    return _json_reply(start_response, "404 Not Found", {"error": "unknown control path"})


def _cbor_to_json(environ, start_response, moto_app, op, body):
    """Forward a CBOR CloudWatch call to moto as awsJson1_0 and re-encode the answer."""
    request = cbor2.loads(body) if body else {}
    payload = json.dumps(request, default=_json_default).encode()
    environ["PATH_INFO"] = "/"
    environ["CONTENT_TYPE"] = "application/x-amz-json-1.0"
    environ["HTTP_X_AMZ_TARGET"] = f"GraniteServiceVersion20100801.{op}"
    environ["CONTENT_LENGTH"] = str(len(payload))
    environ["wsgi.input"] = io.BytesIO(payload)

    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    chunks = b"".join(moto_app(environ, capture))
    status, headers = captured["status"], captured["headers"]
    # moto labels its JSON answers "text"; anything that is not JSON (its HTML error
    # pages) passes through untouched.
    try:
        data = json.loads(chunks) if chunks.strip() else {}
    except ValueError:
        start_response(status, headers)
        return [chunks]
    if not status.startswith("2"):
        error = {"__type": data.get("__type", "InternalFailure").split("#")[-1],
                 "message": data.get("message") or data.get("Message", "")}
        out = cbor2.dumps(error)
    else:
        out = cbor2.dumps(_tag_timestamps(data, TIMESTAMPS.get(op)))
    start_response(status, [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                            ("Content-Length", str(len(out)))])
    return [out]


def _recorded(environ, start_response, call, action, params):
    """Run `call`, then record the mutating request with moto's answer (history.py)."""
    service = _service_of(environ)
    before = None
    if service == "monitoring" and action in ("SetAlarmState", "PutMetricAlarm"):
        before = history.alarm_state(history.region_of(environ), params.get("alarmName"))
    captured = {}

    def capture(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, headers

    out = b"".join(call(environ, capture))
    try:
        history.record(environ, service, action, params, captured["status"], out, before)
    except Exception:  # recording must never break the call itself
        logging.exception("history: cannot record %s", action)
    start_response(captured["status"], captured["headers"])
    return [out]


def make_app():
    moto_app = DomainDispatcherApplication(create_backend_app)

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api"):
            if path.startswith("/moto-api/reset"):
                history.reset()
                events.disable()
            return moto_app(environ, start_response)
        body = _read_body(environ)
        if path.startswith("/_driftdeck/"):
            return _control(environ, start_response, body)
        action = _action_of(environ, body)
        if action == "SearchTransitGatewayRoutes":
            # moto 5.2 fails (500) on the MaxResults the real SDK sends, and answers with
            # each route's attachments empty (it stores one attachment as a dict where its
            # serializer reads a list): served here from moto's own routes, which the
            # real CreateTransitGatewayRoute calls made, in the EC2 query wire format.
            return _search_tgw_routes(environ, start_response, body)
        with _faults_lock:
            rule = next((r for r in _faults if r.get("action") in ("*", action)), None)
            if rule:
                fault = rule.get("fault", "error")
                _fault_hits[fault] = _fault_hits.get(fault, 0) + 1
                if "times" in rule:
                    rule["times"] -= 1
                    if rule["times"] <= 0:
                        _faults.remove(rule)
        m = CBOR_PATH.match(path)

        def forward(respond=start_response):
            environ["wsgi.input"] = io.BytesIO(body)
            # History moto lacks, served from what the harness recorded (history.py).
            if environ.get("HTTP_X_AMZ_TARGET", "").endswith("CloudTrail_20131101.LookupEvents"):
                out = json.dumps(history.lookup_events(json.loads(body or b"{}"))).encode()
                respond("200 OK", [("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(out)))])
                return [out]
            if m and m.group(1) == "DescribeAlarmHistory":
                answer = history.describe_alarm_history(cbor2.loads(body) if body else {})
                out = cbor2.dumps(_tag_timestamps(answer, TIMESTAMPS.get("DescribeAlarmHistory")))
                respond("200 OK", [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor"),
                                   ("Content-Length", str(len(out)))])
                return [out]
            if m:
                request = cbor2.loads(body) if body else {}
                params = history.params_of(environ, body, request)
                return _recorded(environ, respond,
                                 lambda env, sr: _cbor_to_json(env, sr, moto_app, m.group(1), body), m.group(1), params)
            json_request = None
            if environ.get("HTTP_X_AMZ_TARGET"):
                try:
                    json_request = json.loads(body or b"{}")
                except ValueError:
                    json_request = {}
            params = history.params_of(environ, body, json_request)
            return _recorded(environ, respond, moto_app, action, params)

        if rule:
            if rule.get("fault", "error") == "error":
                return _fault_response(start_response, environ, rule)
            return _special_fault(start_response, environ, rule, forward)
        return forward()

    return app


def _exit_with_parent():
    """Exit when the parent dies, even if something else still holds our stdin open."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = make_server("127.0.0.1", port, make_app(), threaded=True)
    print(f"PORT={server.server_port}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    # Serve until the parent closes our stdin.
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
