"""python-ndn consumer for the interoperability test of ndnput.

Usage: fetch.py NAME CERT_FILE

Fetches NAME with python-ndn's segment fetcher through the forwarder named by
NDN_CLIENT_TRANSPORT, checking every segment's Ed25519 signature against the public key in
CERT_FILE (base64, as `ndnkey export` prints it), and prints one JSON object: the length,
SHA-256 and segment count of the content, or the error."""
import base64
import hashlib
import json
import sys

from ndn.app import NDNApp
from ndn.app_support.segment_fetcher import segment_fetcher
from ndn.security import KeychainDigest
from ndn.security.validator.known_key_validator import Ed25519Checker

name, cert_path = sys.argv[1], sys.argv[2]
with open(cert_path) as f:
    cert = base64.b64decode(''.join(f.read().split()))
validator = Ed25519Checker.from_cert(cert)

app = NDNApp(keychain=KeychainDigest())
result = {}


async def fetch():
    try:
        digest = hashlib.sha256()
        length = 0
        segments = 0
        async for content in segment_fetcher(app, name, timeout=4000, retry_times=5,
                                             validator=validator, must_be_fresh=False):
            digest.update(bytes(content))
            length += len(content)
            segments += 1
        result.update(length=length, sha256=digest.hexdigest(), segments=segments)
    except Exception as e:  # report every failure as data for the Rust side
        result['error'] = f'{type(e).__name__}: {e}'
    finally:
        app.shutdown()


app.run_forever(after_start=fetch())
print(json.dumps(result))
