"""Put a token in front of a Chroma server: nginx (Debian's `nginx-light`) on LISTEN passes a
request on to the Chroma server only when it carries `Authorization: Bearer <token>`; every other
request gets 401 and never reaches Chroma. (`chroma run` 1.x has no authentication of its own.)

    CHROMA_TOKEN=... python scripts/chroma_token_proxy.py --listen 0.0.0.0:8443 \\
        --chroma 127.0.0.1:8000 --dir /var/lib/chroma-proxy

runs nginx in the foreground (Ctrl-C stops it) with its config, pid and logs in --dir. The token
comes from CHROMA_TOKEN or --token-file. Clients then use `--chroma-host HOST --chroma-port 8443`
with the same token (`--chroma-token` or CHROMA_TOKEN). Bind Chroma itself to 127.0.0.1 so the
proxy is the only way in, and put TLS in front when the network is not trusted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]{16,}")

CONFIG = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
daemon off;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    map $http_authorization $token_ok {{
        "Bearer {token}" 1;
        default 0;
    }}
    server {{
        listen {listen};
        client_max_body_size 0;
        # Stream both ways: no temp files (nginx's workers may not be allowed to write --dir).
        proxy_request_buffering off;
        proxy_buffering off;
        location / {{
            if ($token_ok = 0) {{
                return 401 '{{"error":"Unauthorized","message":"missing or wrong token"}}';
            }}
            proxy_set_header Authorization "";
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://{chroma};
        }}
    }}
}}
"""


def write_config(folder: Path, *, listen: str, chroma: str, token: str) -> Path:
    """Write nginx.conf (readable by its owner only) into `folder`; returns its path."""
    if not TOKEN_CHARS.fullmatch(token):
        raise ValueError("the token must be at least 16 characters of A-Z a-z 0-9 . _ ~ + / = -")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "nginx.conf"
    path.touch(mode=0o600)
    path.write_text(CONFIG.format(dir=folder.resolve(), listen=listen, chroma=chroma, token=token),
                    encoding="utf-8")
    return path


def nginx_command(config: Path) -> list[str]:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    return [binary, "-p", str(config.parent.resolve()), "-c", str(config.resolve())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", required=True, metavar="HOST:PORT")
    parser.add_argument("--chroma", required=True, metavar="HOST:PORT",
                        help="the Chroma server (bind it to 127.0.0.1)")
    parser.add_argument("--dir", required=True, type=Path, help="folder for config, pid and logs")
    parser.add_argument("--token-file", type=Path, help="file holding the token (else CHROMA_TOKEN)")
    args = parser.parse_args(argv)
    token = (args.token_file.read_text(encoding="utf-8").strip() if args.token_file
             else os.environ.get("CHROMA_TOKEN", ""))
    if not os.path.exists(nginx_command(Path("x"))[0]):
        print("nginx is not installed; install it with `apt-get install nginx-light`", file=sys.stderr)
        return 2
    try:
        config = write_config(args.dir, listen=args.listen, chroma=args.chroma, token=token)
    except ValueError as exc:
        print(f"chroma_token_proxy: {exc} (set CHROMA_TOKEN or --token-file)", file=sys.stderr)
        return 2
    os.execv(nginx_command(config)[0], nginx_command(config))


if __name__ == "__main__":
    sys.exit(main())
