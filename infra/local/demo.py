#!/usr/bin/env python3
"""Places the demo orders on a running Sagaline and prints how each ended.

    python3 infra/local/demo.py [orchestrator-url]     (default http://127.0.0.1:8080)

Uses the demo data of the participants' "demo" profile: alice has ample credit, bob none;
BOOK-1 and MUG-1 are in stock, LAMP-1 is not; carriers serve "north" and "central", not "south".
Places them as the shop's client account: SAGALINE_SECURITY_CLIENT_USERNAME and
SAGALINE_SECURITY_CLIENT_PASSWORD, by default the local profile's (client/client).
Exits 0 when every order ended as expected, 1 otherwise.
"""
import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
TIMEOUT_SECONDS = 120
CLIENT = (os.environ.get("SAGALINE_SECURITY_CLIENT_USERNAME", "client"),
          os.environ.get("SAGALINE_SECURITY_CLIENT_PASSWORD", "client"))
FINAL = ("COMPLETED", "COMPENSATED", "COMPENSATION_FAILED", "RESOLVED")

NORTH = {"country": "DE", "region": "north", "city": "Hamburg", "line1": "Hafenstrasse 1", "postalCode": "20359"}
SOUTH = {"country": "DE", "region": "south", "city": "Munich", "line1": "Marienplatz 1", "postalCode": "80331"}

# (what it shows, customer, lines, address, expected status, step expected to fail)
DEMO = [
    ("alice buys 2 BOOK-1, shipped north", "alice", [("BOOK-1", 2, 1999)], NORTH, "APPROVED", None),
    ("bob buys 1 BOOK-1 without credit", "bob", [("BOOK-1", 1, 1999)], NORTH, "REJECTED", "authorize payment"),
    ("alice buys 1 LAMP-1, out of stock", "alice", [("LAMP-1", 1, 4500)], NORTH, "REJECTED", "reserve inventory"),
    ("alice ships 1 MUG-1 south, no carrier", "alice", [("MUG-1", 1, 950)], SOUTH, "REJECTED", "schedule shipment"),
]


def call(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Accept", "application/json")
    request.add_header("Authorization", "Basic " + base64.b64encode(":".join(CLIENT).encode()).decode())
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def place(customer, lines, address):
    order = {
        "customerId": customer,
        "lines": [{"sku": sku, "quantity": quantity, "unitPrice": price} for sku, quantity, price in lines],
        "currency": "EUR",
        "shippingAddress": address,
        "email": customer + "@example.com",
    }
    status, body = call("POST", "/api/orders", order, {"Idempotency-Key": "demo-" + str(uuid.uuid4())})
    if status != 202:
        raise SystemExit(f"placing an order failed: {status} {body}")
    return body["orderId"], body["sagaId"]


def compensations(saga):
    undone = []
    for entry in saga["timeline"]:
        if entry.get("direction") != "compensate":
            continue
        if entry["entry"] == "COMMAND_SENT":
            undone.append(entry["messageType"])
        elif entry["entry"] == "LOCAL_STEP":
            undone.append("reject order (local)")
    return undone


def main():
    print(f"placing {len(DEMO)} demo orders on {BASE}")
    placed = []
    for title, customer, lines, address, expected, failing in DEMO:
        order_id, saga_id = place(customer, lines, address)
        placed.append((title, order_id, saga_id, expected, failing))
    started = time.monotonic()
    finished = {}
    shown = None
    while len(finished) < len(placed) and time.monotonic() - started < TIMEOUT_SECONDS:
        for title, order_id, saga_id, expected, failing in placed:
            if saga_id not in finished:
                status, saga = call("GET", f"/api/sagas/{saga_id}")
                if status == 200 and saga["status"] in FINAL:
                    finished[saga_id] = saga
        progress = f"  {len(finished)} of {len(placed)} sagas finished after {time.monotonic() - started:.1f}s"
        if sys.stdout.isatty():
            print("\r" + progress, end="", flush=True)
        elif len(finished) != shown:
            print(progress, flush=True)
        shown = len(finished)
        if len(finished) < len(placed):
            time.sleep(0.2)
    if sys.stdout.isatty():
        print()
    outcomes = {order_id: call("GET", f"/api/orders/{order_id}")[1] for _, order_id, *_ in placed}
    all_as_expected = True
    for number, (title, order_id, saga_id, expected, failing) in enumerate(placed, 1):
        order = outcomes[order_id]
        _, saga = call("GET", f"/api/sagas/{saga_id}")
        status = order["status"]
        as_expected = (
            status == expected
            and saga["status"] == ("COMPLETED" if expected == "APPROVED" else "COMPENSATED")
            and (failing is None or failing in (order.get("reason") or ""))
        )
        all_as_expected &= as_expected
        mark = "ok " if as_expected else "UNEXPECTED"
        print(f"{number}. {title}")
        print(f"   [{mark}] order {status}" + (f": {order['reason']}" if order.get("reason") else ""))
        step = "" if saga["status"] in FINAL else f" at \"{(saga.get('currentStep') or {}).get('name')}\""
        print(f"   saga {saga['status']}{step}, {len(saga['timeline'])} log entries: {BASE}/api/sagas/{saga_id}")
        undone = compensations(saga)
        if undone:
            print("   compensations, in order: " + ", ".join(undone))
        if status == "APPROVED" and saga["status"] == "RUNNING":
            print("   paid and approved; its confirmation mail is still being retried"
                  f" (last error: {saga.get('lastError') or 'none yet'})")
    return 0 if all_as_expected else 1


if __name__ == "__main__":
    sys.exit(main())
