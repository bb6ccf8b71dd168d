"""Nothing reaches the network: a memory session records every non-loopback connection attempt."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def test_memory_session_makes_no_outside_connections(tmp_path):
    code = textwrap.dedent(f"""
        import json, socket
        attempts = []
        real_connect = socket.socket.connect

        def guarded(self, address):
            host = address[0] if isinstance(address, tuple) else "unix"
            if host not in ("127.0.0.1", "::1", "localhost", "unix"):
                attempts.append(str(address))
                raise OSError("network disabled by the test")
            return real_connect(self, address)

        socket.socket.connect = guarded
        real_getaddrinfo = socket.getaddrinfo

        def no_dns(host, *args, **kwargs):
            if host not in ("127.0.0.1", "::1", "localhost", None):
                attempts.append("dns:" + str(host))
                raise OSError("network disabled by the test")
            return real_getaddrinfo(host, *args, **kwargs)

        socket.getaddrinfo = no_dns
        from environments.registry import spec
        from memory_store.records import Experience
        from memory_store.store import ExperienceStore
        with ExperienceStore.open("offline-check", path={str(tmp_path / "memory")!r}) as store:
            state = spec("webshop").new_state("a blue ceramic vase", "\\nWebShop ",
                                              available_actions=("search",))
            store.add([Experience(state, "search[blue vase]", q=1.0)])
            found = store.retrieve(state, m=1)
        session = list(attempts)
        try:  # prove the guard is live
            socket.create_connection(("example.org", 80), timeout=1)
        except OSError:
            pass
        print(json.dumps({{"attempts": session, "probe": attempts[len(session):],
                          "found": found[0].actions[0].action}}))
    """)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["found"] == "search[blue vase]"
    assert report["attempts"] == []
    assert report["probe"], "the connection guard did not see the probe"
