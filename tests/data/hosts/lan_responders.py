#!/usr/bin/env python3
"""Name responders for the hosts e2e lab, written from the RFCs: one
process per peer namespace, told its role on the command line.

  mdns IP NAME        answers reverse PTR queries for IP on 5353 (RFC 6762)
  announce IP NAME    sends an unsolicited mDNS announcement (A record) every 0.1 s
  llmnr IP NAME       answers reverse PTR queries for IP on 5355 (RFC 4795)
  nbns NAME GROUP     answers NetBIOS node status on 137 (RFC 1002 4.2.18)
  hostile KIND IP     answers mDNS reverse queries for IP badly: loop, big,
                      trunc, ctrl (control characters and escapes in the name)
  flood N             N announcements for N different addresses, as fast as it can
  wol PORT FILE       writes the first datagram received on PORT to FILE
  wolether IF FILE    writes the payload of the first 0x0842 frame on IF to FILE
  pace IP RATE SEC    sends RATE 1000-byte UDP datagrams a second to IP:9 for SEC seconds
  mixed PREFIX        answers for every PREFIX.N on this host: N % 3 == 0 by mDNS
                      (mN.local), 1 by LLMNR (LN), 2 by NetBIOS (NBN), from the
                      address asked (IP_PKTINFO)
"""
import os
import socket
import struct
import sys
import time

MDNS = ("224.0.0.251", 5353)
IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux; older Pythons lack the name
LLMNR = ("224.0.0.252", 5355)


def wire(name):
    out = b""
    for label in name.split(b"."):
        out += bytes([len(label)]) + label
    return out + b"\0"


def rev(ip):
    return b".".join(reversed(ip.encode().split(b"."))) + b".in-addr.arpa"


def question(data):
    """(qname, qtype, end) of the first question, no compression."""
    pos, labels = 12, []
    while data[pos]:
        n = data[pos]
        labels.append(data[pos + 1:pos + 1 + n])
        pos += 1 + n
    qtype, _ = struct.unpack("!HH", data[pos + 1:pos + 5])
    return b".".join(labels), qtype, pos + 5


def group_socket(group, port, ip):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    mreq = socket.inet_aton(group) + socket.inet_aton(ip)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    return s


def ptr_reply(data, qend, owner, target, aa=0x8400):
    rid = data[:2]
    hdr = rid + struct.pack("!HHHHH", aa, 1, 1, 0, 0)
    rdata = wire(target)
    rr = wire(owner) + struct.pack("!HHIH", 12, 1, 120, len(rdata)) + rdata
    return hdr + data[12:qend] + rr


def serve_reverse(group, port, ip, answer):
    s = group_socket(group[0], port, ip)
    mine = rev(ip)
    while True:
        data, src = s.recvfrom(9000)
        try:
            qname, qtype, qend = question(data)
        except (IndexError, struct.error):
            continue
        if data[2] & 0x80 or qtype != 12 or qname.lower() != mine:
            continue
        reply = answer(data, qend, mine)
        if reply:
            s.sendto(reply, src)


def mdns(ip, name):
    serve_reverse(MDNS, 5353, ip, lambda d, q, m: ptr_reply(d, q, m, name.encode()))


def llmnr(ip, name):
    serve_reverse(LLMNR, 5355, ip, lambda d, q, m: ptr_reply(d, q, m, name.encode(), 0x8000))


def announce(ip, name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    rr = wire(name.encode()) + struct.pack("!HHIH", 1, 0x8001, 120, 4) + socket.inet_aton(ip)
    msg = struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + rr
    while True:
        s.sendto(msg, MDNS)
        time.sleep(0.1)


def flood(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
    ip = sys.argv[3]
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
    for i in range(count):
        addr = struct.pack("!I", 0x0A000000 + i)
        name = b"flood%d.local" % i
        rr = wire(name) + struct.pack("!HHIH", 1, 0x8001, 120, 4) + addr
        s.sendto(struct.pack("!HHHHHH", 0, 0x8400, 0, 1, 0, 0) + rr, MDNS)


def hostile(kind, ip):
    def answer(data, qend, mine):
        hdr = data[:2] + struct.pack("!HHHHH", 0x8400, 1, 1, 0, 0)
        if kind == "loop":
            # The answer's target: a label, then a pointer to itself.
            start = len(hdr) + (qend - 12) + 12
            target = b"\x04loop" + struct.pack("!H", 0xC000 | start)
            rr = struct.pack("!H", 0xC00C) + struct.pack("!HHIH", 12, 1, 120, len(target))
            return hdr + data[12:qend] + rr + target
        if kind == "big":
            return ptr_reply(data, qend, mine, b"big.local") + b"\0" * 20000
        if kind == "trunc":
            full = ptr_reply(data, qend, mine, b"trunc.local")
            return full[:-6]
        if kind == "ctrl":
            return ptr_reply(data, qend, mine, b"\x1b[31mevil\x07\x00x.local")
        return None
    serve_reverse(MDNS, 5353, ip, answer)


def nb_name(name, suffix, flags):
    return name.encode().ljust(15, b" ")[:15] + bytes([suffix]) + struct.pack("!H", flags)


def nbns(name, group):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 137))
    while True:
        data, src = s.recvfrom(2048)
        if len(data) < 50 or data[2] & 0x80:
            continue
        qname_end = 12 + 34
        qtype = struct.unpack("!H", data[qname_end:qname_end + 2])[0]
        if qtype != 0x21:
            continue
        names = [nb_name(name, 0x00, 0x0400), nb_name(group, 0x00, 0x8400), nb_name(name, 0x20, 0x0400)]
        stats = bytes.fromhex("02aabbccddee") + b"\0" * 40
        rdata = bytes([len(names)]) + b"".join(names) + stats
        hdr = data[:2] + struct.pack("!HHHHH", 0x8400, 0, 1, 0, 0)
        rr = data[12:qname_end] + struct.pack("!HHIH", 0x21, 1, 0, len(rdata)) + rdata
        s.sendto(hdr + rr, src)


def wol(port, path):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("0.0.0.0", int(port)))
    data, _ = s.recvfrom(2048)
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.rename(path + ".tmp", path)


def wolether(ifname, path):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0842))
    s.bind((ifname, 0x0842))
    frame = s.recv(4096)
    with open(path + ".tmp", "wb") as f:
        f.write(frame[14:])
    os.rename(path + ".tmp", path)


def pace(ip, rate, seconds):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = b"x" * 1000
    start, sent = time.monotonic(), 0
    while True:
        now = time.monotonic() - start
        if now >= seconds:
            return
        # Catch up to the schedule, so the average holds under load.
        while sent < int(now * rate):
            try:
                s.sendto(payload, (ip, 9))
            except OSError:
                pass
            sent += 1
        time.sleep(0.002)


def mixed(prefix):
    import select
    socks = {}
    for port in (5353, 5355, 137):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        s.bind(("0.0.0.0", port))
        if port != 137:
            group = "224.0.0.251" if port == 5353 else "224.0.0.252"
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                         socket.inet_aton(group) + socket.inet_aton(prefix + ".2"))
        socks[s] = port
    while True:
        ready, _, _ = select.select(list(socks), [], [])
        for s in ready:
            port = socks[s]
            data, anc, _, src = s.recvmsg(9000, 256)
            dst = None
            for level, kind, val in anc:
                if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
                    dst = socket.inet_ntoa(val[8:12])
            if port == 137:
                n = int(dst.split(".")[3])
                if n % 3 != 2 or len(data) < 50:
                    continue
                names = [nb_name("NB%d" % n, 0, 0x0400), nb_name("LAB", 0, 0x8400)]
                rdata = bytes([2]) + b"".join(names) + b"\0" * 46
                reply = data[:2] + struct.pack("!HHHHH", 0x8400, 0, 1, 0, 0) + data[12:46] + \
                    struct.pack("!HHIH", 0x21, 1, 0, len(rdata)) + rdata
                src_ip = dst
            else:
                try:
                    qname, qtype, qend = question(data)
                except (IndexError, struct.error):
                    continue
                parts = qname.lower().split(b".")
                if data[2] & 0x80 or qtype != 12 or len(parts) != 6:
                    continue
                ip = ".".join(p.decode() for p in reversed(parts[:4]))
                n = int(parts[0])
                if not ip.startswith(prefix + ".") or n % 3 != (0 if port == 5353 else 1):
                    continue
                target = b"m%d.local" % n if port == 5353 else b"L%d" % n
                reply = ptr_reply(data, qend, qname.lower(), target, 0x8400 if port == 5353 else 0x8000)
                src_ip = ip
            pkt = struct.pack("@i4s4s", 0, socket.inet_aton(src_ip), b"\0" * 4)
            s.sendmsg([reply], [(socket.IPPROTO_IP, IP_PKTINFO, pkt)], 0, src)


def main():
    role = sys.argv[1]
    if role == "mdns":
        mdns(sys.argv[2], sys.argv[3])
    elif role == "announce":
        announce(sys.argv[2], sys.argv[3])
    elif role == "llmnr":
        llmnr(sys.argv[2], sys.argv[3])
    elif role == "nbns":
        nbns(sys.argv[2], sys.argv[3])
    elif role == "hostile":
        hostile(sys.argv[2], sys.argv[3])
    elif role == "flood":
        flood(int(sys.argv[2]))
    elif role == "wol":
        wol(sys.argv[2], sys.argv[3])
    elif role == "mixed":
        mixed(sys.argv[2])
    elif role == "pace":
        pace(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]))
    elif role == "wolether":
        wolether(sys.argv[2], sys.argv[3])
    else:
        sys.exit("unknown role " + role)


if __name__ == "__main__":
    main()
