#!/usr/bin/env python3
"""A scripted DNS server on 127.0.0.1 for the DNS watch tests.

usage: zone_dns.py ZONE.json PORTFILE

ZONE.json maps names to record types to what to answer, and is read again
whenever it changes:

  {"shop.test": {"A": ["198.18.5.1"], "AAAA": "REFUSED"},
   "drop.test": {"A": ["198.18.5.2"], "AAAA": "DROP"},
   "mail.test": {"MX": ["10 mx1.test"], "TXT": ["v=spf1 -all"]},
   "flap.test": {"A": "COUNTER"}}

A list is the records (A/AAAA addresses, "PREF HOST" for MX, host names
for NS and CNAME, text for TXT, "FLAGS TAG VALUE" for CAA, "SERIAL" for SOA);
a type not listed is NODATA, a name not listed NXDOMAIN. "REFUSED",
"SERVFAIL" answer with that code, "DROP" does not answer, and "COUNTER"
answers a different A address each time. The port it listens on goes to
PORTFILE.
"""
import json
import os
import socket
import struct
import sys

TYPES = {1: "A", 28: "AAAA", 5: "CNAME", 15: "MX", 2: "NS", 16: "TXT", 257: "CAA", 6: "SOA"}
RCODES = {"SERVFAIL": 2, "REFUSED": 5}


def name_bytes(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rdata(rtype, value, counter):
    if rtype == "A":
        return socket.inet_pton(socket.AF_INET, value)
    if rtype == "AAAA":
        return socket.inet_pton(socket.AF_INET6, value)
    if rtype in ("NS", "CNAME"):
        return name_bytes(value)
    if rtype == "MX":
        pref, host = value.split(None, 1)
        return struct.pack("!H", int(pref)) + name_bytes(host)
    if rtype == "TXT":
        raw = value.encode()
        return b"".join(bytes([len(raw[i:i + 255])]) + raw[i:i + 255] for i in range(0, max(len(raw), 1), 255))
    if rtype == "CAA":
        flags, tag, val = value.split(None, 2)
        return bytes([int(flags), len(tag)]) + tag.encode() + val.encode()
    if rtype == "SOA":
        return name_bytes("ns.test") + name_bytes("admin.test") + struct.pack("!IIIII", int(value), 3600, 600,
                                                                               86400, 60)
    raise ValueError(rtype)


class Zone:
    def __init__(self, path):
        self.path, self.mtime, self.data, self.counter = path, None, {}, 0

    def get(self):
        try:
            m = os.stat(self.path).st_mtime_ns
            if m != self.mtime:
                with open(self.path) as f:
                    self.data = json.load(f)
                self.mtime = m
        except (OSError, ValueError):
            pass
        return self.data


def answer(q, zone):
    qid, flags = struct.unpack("!HH", q[:4])
    i, labels = 12, []
    while q[i] != 0:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    qtype, _ = struct.unpack("!HH", q[i + 1:i + 5])
    question = q[12:i + 5]
    name = ".".join(labels).lower()
    data = zone.get()
    rd = flags & 0x0100

    def reply(rcode, records):
        head = struct.pack("!HHHHHH", qid, 0x8400 | rd | 0x80 | rcode, 1, len(records), 0, 0)
        body = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 30, len(r)) + r for r in records)
        return head + question + body

    if name not in data:
        return reply(3, [])
    what = data[name].get(TYPES.get(qtype, "?"), [])
    if what == "DROP":
        return None
    if isinstance(what, str) and what in RCODES:
        return reply(RCODES[what], [])
    if what == "COUNTER":
        zone.counter += 1
        what = ["198.18.%d.%d" % (zone.counter // 250 % 250, zone.counter % 250 + 1)]
    return reply(0, [rdata(TYPES[qtype], v, zone.counter) for v in what])


def main():
    zone = Zone(sys.argv[1])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    tmp = sys.argv[2] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(tmp, sys.argv[2])
    while True:
        q, peer = s.recvfrom(4096)
        try:
            r = answer(q, zone)
        except (IndexError, struct.error, ValueError, OSError, TypeError, KeyError):
            continue
        if r is not None:
            s.sendto(r, peer)


if __name__ == "__main__":
    main()
