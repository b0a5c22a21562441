#!/usr/bin/env python3
"""A DNS relay that answers after a delay: every query is forwarded to the
upstream server DELAY seconds after it arrived, and the answer goes back to
the client. Concurrent queries are delayed concurrently (like a slow real
resolver). Usage: hosts_relay.py LISTEN_PORT UPSTREAM_PORT DELAY_MS PIDFILE
(all on 127.0.0.1)."""
import asyncio
import os
import sys


class Relay(asyncio.DatagramProtocol):
    def __init__(self, upstream, delay):
        self.upstream = upstream
        self.delay = delay
        self.pending = {}

    def connection_made(self, transport):
        self.transport = transport

    @staticmethod
    def key(data):
        """The query id and the question name: ids alone can collide."""
        i = 12
        while i < len(data) and data[i]:
            i += data[i] + 1
        return data[:2] + data[12:i].lower()

    def datagram_received(self, data, addr):
        if addr == self.upstream:
            client = self.pending.pop(self.key(data), None)
            if client:
                self.transport.sendto(data, client)
            return
        self.pending[self.key(data)] = addr
        asyncio.get_running_loop().call_later(self.delay, self.transport.sendto, data, self.upstream)


async def main():
    port, upstream, delay_ms, pidfile = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(lambda: Relay(("127.0.0.1", upstream), delay_ms / 1000.0),
                                        local_addr=("127.0.0.1", port))
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    await asyncio.Event().wait()


asyncio.run(main())
