"""Peers for the forwarder's end-to-end tests (loopback only).

servers (run until killed; print READY once listening):
  echo HOST PORT ONLY LOG   echo server; closes clients not from ONLY at once;
                            logs each peer address (and 'reset' when one
                            resets) to LOG; after a client's EOF it sends
                            'EOF-SEEN' and shuts down; a chunk starting with
                            'RESET' makes it reset the connection
  sink HOST PORT            accepts and never reads
  source HOST PORT          sends zeros as fast as the client takes them
  proxy HOST PORT           parses a PROXY v1 or v2 header and answers
                            'SRC ADDR PORT DST ADDR PORT\\n'
"""
import asyncio
import socket
import struct
import sys


def ready():
    print("READY", flush=True)


async def echo(host, port, only, log):
    out = open(log, "a", buffering=1)

    async def serve(r, w):
        sock = w.get_extra_info("socket")
        peer = w.get_extra_info("peername")[0]
        out.write("peer %s\n" % peer)
        if peer != only:
            w.close()
            return
        try:
            while True:
                d = await r.read(1 << 16)
                if not d:
                    break
                if d.startswith(b"RESET"):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    w.transport.abort()
                    return
                w.write(d)
                await w.drain()
            w.write(b"EOF-SEEN")
            await w.drain()
            w.write_eof()
            await w.drain()
        except ConnectionResetError:
            out.write("reset\n")
        w.close()

    srv = await asyncio.start_server(serve, host, port, backlog=4096)
    ready()
    await srv.serve_forever()


def sink(host, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    ready()
    held = []
    while True:
        c, _ = s.accept()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        held.append(c)


async def source(host, port):
    chunk = bytes(1 << 16)

    async def serve(r, w):
        try:
            while True:
                w.write(chunk)
                await w.drain()
        except (ConnectionError, OSError):
            pass
        w.close()

    srv = await asyncio.start_server(serve, host, port, backlog=1024)
    ready()
    await srv.serve_forever()


def parse_proxy(buf):
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    if buf.startswith(b"PROXY "):
        end = buf.find(b"\r\n")
        if end < 0:
            return None, buf
        f = buf[:end].decode().split(" ")
        return "SRC %s %s DST %s %s\n" % (f[2], f[4], f[3], f[5]), buf[end + 2:]
    if buf.startswith(sig) and len(buf) >= 16:
        ver_cmd, fam, n = buf[12], buf[13], struct.unpack("!H", buf[14:16])[0]
        if len(buf) < 16 + n:
            return None, buf
        body = buf[16:16 + n]
        assert ver_cmd == 0x21, ver_cmd
        if fam == 0x11:
            s, d, sp, dp = socket.inet_ntop(socket.AF_INET, body[0:4]), socket.inet_ntop(socket.AF_INET, body[4:8]), *struct.unpack("!HH", body[8:12])
        else:
            s, d, sp, dp = socket.inet_ntop(socket.AF_INET6, body[0:16]), socket.inet_ntop(socket.AF_INET6, body[16:32]), *struct.unpack("!HH", body[32:36])
        return "SRC %s %d DST %s %d\n" % (s, sp, d, dp), buf[16 + n:]
    if len(buf) >= 16:
        return "BAD\n", b""
    return None, buf


async def proxy(host, port):
    async def serve(r, w):
        buf = b""
        while True:
            d = await r.read(4096)
            if not d:
                break
            buf += d
            answer, rest = parse_proxy(buf)
            if answer:
                w.write(answer.encode() + rest)
                await w.drain()
                break
        w.close()

    srv = await asyncio.start_server(serve, host, port)
    ready()
    await srv.serve_forever()


def main():
    kind, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kind == "echo":
        asyncio.run(echo(host, port, sys.argv[4], sys.argv[5]))
    elif kind == "sink":
        sink(host, port)
    elif kind == "source":
        asyncio.run(source(host, port))
    elif kind == "proxy":
        asyncio.run(proxy(host, port))


if __name__ == "__main__":
    main()
