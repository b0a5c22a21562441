#!/usr/bin/env python3
"""Prints a port free for TCP and UDP on every IPv4 address, for a test to
hand to a program it starts (dnsmasq, `sockpit serve`, a dead DNS server);
with an argument N, N different ones on a line.

The port is drawn below the kernel's ephemeral range: a bind to port 0 or
a connect() of a test running alongside never takes it between this check
and the program's bind, as it could take one the kernel had just handed
out to us. Only another explicit pick could, one in thousands."""
import random
import socket
import sys


def free(port):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("0.0.0.0", port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def main(count):
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    ports = list(range(10000, low)) if low > 11000 else []
    random.shuffle(ports)
    got = []
    for port in ports[:500 + count]:
        if len(got) == count:
            break
        if free(port):
            got.append(port)
    # No room below the range: the kernel's picks, as before.
    held = []
    while len(got) < count:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        held.append(s)
        got.append(s.getsockname()[1])
    print(" ".join(map(str, got)))


main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
