"""python-ndn consumer for the interoperability test. Runs the checks against a forwarder
reached through NDN_CLIENT_TRANSPORT and prints one JSON object with the results."""
import asyncio
import json
import socket
import sys

from ndn.app import NDNApp
from ndn.encoding import Name
from ndn.security import KeychainDigest
from ndn.types import InterestNack, InterestTimeout

app = NDNApp(keychain=KeychainDigest())
results = {}


async def fetch(name, **kw):
    data_name, meta, content = await app.express_interest(name, lifetime=2000, **kw)
    return Name.to_str(data_name), bytes(content).decode()


def widen_receive_buffer():
    # 300 replies arrive in one burst; the kernel's default UDP receive buffer (about 200 KB
    # of socket memory) holds fewer, so make room as any bulk UDP client would
    transport = getattr(app.face, 'transport', None)
    sock = transport.get_extra_info('socket') if transport is not None else None
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)


async def checks():
    widen_receive_buffer()
    try:
        # signed Data through the forwarder (python-ndn checks the DigestSha256 signature)
        results['first'] = await fetch('/interop/a', must_be_fresh=False)
        # the same name again: the content store answers (the producer counter does not move)
        results['repeat'] = await fetch('/interop/a', must_be_fresh=False)
        # CanBePrefix: a Data under the prefix answers
        results['prefix'] = await fetch('/interop', can_be_prefix=True, must_be_fresh=False)
        # MustBeFresh: stale cached Data does not answer; the producer is asked again
        results['fresh1'] = await fetch('/interop/fresh', must_be_fresh=True)
        await asyncio.sleep(0.3)
        results['fresh2'] = await fetch('/interop/fresh', must_be_fresh=True)
        # a name with no route: Nack NoRoute
        try:
            await fetch('/no/route/here')
            results['nack'] = 'data'
        except InterestNack as e:
            results['nack'] = e.reason
        except InterestTimeout:
            results['nack'] = 'timeout'
        # 300 concurrent Interests
        names = [f'/interop/many/{i}' for i in range(300)]
        got = await asyncio.gather(*(fetch(n) for n in names), return_exceptions=True)
        results['concurrent_ok'] = sum(1 for g in got if isinstance(g, tuple) and g[0] in names)
    except Exception as e:  # report, do not hang
        results['error'] = f'{type(e).__name__}: {e}'
    finally:
        print(json.dumps(results), flush=True)
        app.shutdown()


if __name__ == '__main__':
    app.run_forever(after_start=checks())
    sys.exit(0)
