"""The chat protocol's framing, as the textbook's Python peers speak it: a
signed 32-bit little-endian length (struct '<i'), then that many bytes.
Shared by the test peers in tests/e2e/."""
import struct


def rx(s, n):
    """Exactly n bytes from socket s; EOFError if the peer closes first."""
    d = b''
    while len(d) < n:
        c = s.recv(n - len(d))
        if not c:
            raise EOFError('peer closed')
        d += c
    return d


def send_frame(s, b):
    s.sendall(struct.pack('<i', len(b)) + b)


def recv_frame(s):
    n = struct.unpack('<i', rx(s, 4))[0]
    return rx(s, n)
