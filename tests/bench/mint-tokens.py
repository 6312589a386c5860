#!/usr/bin/env python3
"""Mints HS256 JWTs for the authenticated benchmark scenarios (standard library only).

    mint-tokens.py SECRET_FILE SUB [--roles a,b] [--count N] [--ttl SECONDS]

Prints one token per line: with --count N, N tokens whose `sub` is SUB0 .. SUB<N-1>; otherwise
one token for SUB. Claims: sub, exp (now + ttl, default one hour), roles. The secret is the file's
content without trailing CR/LF, as ssehub reads --jwt-secret-file."""
import argparse
import base64
import hashlib
import hmac
import json
import sys
import time


def b64url(data: bytes) -> str:
    # Canonical base64url: no padding, unused bits zero (what the encoder produces).
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint(secret: bytes, sub: str, roles: list, exp: int) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"sub": sub, "exp": exp}
    if roles:
        claims["roles"] = roles
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{head}.{body}".encode("ascii")
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(signature)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("secret_file")
    parser.add_argument("sub")
    parser.add_argument("--roles", default="", help="comma-separated ACL roles")
    parser.add_argument("--count", type=int, default=0, help="N tokens with subs SUB0..SUB<N-1>")
    parser.add_argument("--ttl", type=int, default=3600, help="seconds until exp")
    args = parser.parse_args()
    with open(args.secret_file, "rb") as f:
        secret = f.read().rstrip(b"\r\n")
    roles = [r for r in args.roles.split(",") if r]
    exp = int(time.time()) + args.ttl
    subs = [f"{args.sub}{i}" for i in range(args.count)] if args.count > 0 else [args.sub]
    sys.stdout.write("".join(mint(secret, sub, roles, exp) + "\n" for sub in subs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
