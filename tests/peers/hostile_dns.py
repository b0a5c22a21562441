#!/usr/bin/env python3
"""A hostile DNS server for tests, on loopback only.

It answers by the first label of the question name (or, for reverse
lookups, by the last octet of the address), so one server covers every
case:

  ctl      a PTR / CNAME target holding escape sequences and control bytes
  longlbl  a name with a 200-byte label and a name over 255 bytes
  loop     a compression pointer that points at itself
  trunc    a reply cut off in the middle of its answer
  badid    a reply whose ID does not match the query (then silence)
  flood    the right reply, then 50 unrelated datagrams
  nul      an A answer for a name with a NUL byte and invalid UTF-8
  ok       a normal answer (198.18.9.9 / ok.test)
  silent   no answer at all

Reverse lookups (x.y.z.N.in-addr.arpa): N % 10 picks ctl, longlbl, loop,
trunc, badid, flood, nul, ok, silent, ok.

Usage: hostile_dns.py PORTFILE   (binds 127.0.0.1:0, writes the port, serves
until killed; stops by itself after 10 minutes)."""
import socket
import struct
import sys
import time

REVERSE_CASES = ["ctl", "longlbl", "loop", "trunc", "badid", "flood", "nul", "ok", "silent", "ok"]


def encode_name(labels):
    out = b""
    for label in labels:
        out += bytes([len(label)]) + label
    return out + b"\0"


def parse_question(q):
    i, labels = 12, []
    while i < len(q) and q[i] != 0:
        n = q[i]
        labels.append(q[i + 1:i + 1 + n])
        i += 1 + n
    qtype, qclass = struct.unpack("!HH", q[i + 1:i + 5])
    return labels, qtype, q[12:i + 5]


def header(qid, ancount, rcode=0):
    return struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, ancount, 0, 0)


def rr(rtype, rdata, name=b"\xc0\x0c", ttl=30):
    return name + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def case_of(labels):
    if len(labels) >= 6 and labels[-2].lower() == b"in-addr" and labels[-1].lower() == b"arpa":
        try:
            return REVERSE_CASES[int(labels[0]) % 10]
        except ValueError:
            return "ok"
    return labels[0].decode("ascii", "replace").lower() if labels else "ok"


def answer(q):
    qid = struct.unpack("!H", q[:2])[0]
    labels, qtype, question = parse_question(q)
    case = case_of(labels)
    target_type = 12 if qtype == 12 else 5  # PTR for PTR queries, else CNAME
    if case == "silent":
        return []
    if case == "ctl":
        name = encode_name([b"evil\x1b]0;pwned\x07", b"\x1b[2J\x1b[31mred", b"test"])
        return [header(qid, 1) + question + rr(target_type, name)]
    if case == "longlbl":
        name = encode_name([b"a" * 63] * 4 + [b"b" * 63])  # 320 bytes: over the 255 limit
        return [header(qid, 1) + question + rr(target_type, name)]
    if case == "loop":
        # rdata is a pointer to itself: offset of rdata = len(header+question) + 12
        off = 12 + len(question) + 12
        return [header(qid, 1) + question + rr(target_type, struct.pack("!H", 0xC000 | off))]
    if case == "trunc":
        full = header(qid, 1) + question + rr(target_type, encode_name([b"cut", b"test"]))
        return [full[:len(full) - 7]]
    if case == "badid":
        return [header(qid ^ 0x5555, 1) + question + rr(1, bytes([198, 18, 9, 1]))]
    if case == "flood":
        good = header(qid, 1) + question + rr(1 if qtype == 1 else target_type,
                                              bytes([198, 18, 9, 2]) if qtype == 1 else encode_name([b"flood", b"test"]))
        return [good] + [header((qid + k) & 0xFFFF, 0) + question for k in range(1, 51)]
    if case == "nul":
        if qtype == 1:
            return [header(qid, 1) + question + rr(1, bytes([198, 18, 9, 3]))]
        return [header(qid, 1) + question + rr(target_type, encode_name([b"nul\x00byte", b"\xff\xfe\xc0\xaf", b"test"]))]
    if qtype == 1:
        return [header(qid, 1) + question + rr(1, bytes([198, 18, 9, 9]))]
    if qtype == 28:
        return [header(qid, 0) + question]
    return [header(qid, 1) + question + rr(target_type, encode_name([b"ok", b"test"]))]


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(sys.argv[1], "w") as f:
        f.write(str(s.getsockname()[1]))
    s.settimeout(1.0)
    end = time.monotonic() + 600
    while time.monotonic() < end:
        try:
            q, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        if len(q) < 17:
            continue
        try:
            for reply in answer(q):
                s.sendto(reply, peer)
        except (struct.error, IndexError):
            continue


if __name__ == "__main__":
    main()
