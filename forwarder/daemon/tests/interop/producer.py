"""python-ndn producer for the interoperability test: registers /interop over the transport in
NDN_CLIENT_TRANSPORT and answers every Interest under it. Prints 'ready' once registered."""
import sys

from ndn.app import NDNApp
from ndn.encoding import Name
from ndn.security import KeychainDigest

app = NDNApp(keychain=KeychainDigest())
served = 0


@app.route('/interop')
def on_interest(name, param, app_param):
    global served
    served += 1
    uri = Name.to_str(name)
    if uri.startswith('/interop/fresh'):
        app.put_data(name, content=f'fresh {served}'.encode(), freshness_period=100)
    else:
        app.put_data(name, content=f'{uri} #{served}'.encode(), freshness_period=60000)


async def announce():
    print('ready', flush=True)


if __name__ == '__main__':
    app.run_forever(after_start=announce())
    sys.exit(0)
