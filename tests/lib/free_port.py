#!/usr/bin/env python3
"""Prints a port free for TCP and UDP on every IPv4 address, for a test to
hand to a program it starts (dnsmasq, `sockpit serve`, a dead DNS server).

The port is drawn below the kernel's ephemeral range: a bind to port 0 or
a connect() of a test running alongside never takes it between this check
and the program's bind, as it could take one the kernel had just handed
out to us. Only another explicit pick could, one in thousands."""
import random
import socket


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


def main():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    ports = list(range(10000, low)) if low > 11000 else []
    random.shuffle(ports)
    for port in ports[:500]:
        if free(port):
            print(port)
            return
    # No room below the range: the kernel's pick, as before.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])


main()
