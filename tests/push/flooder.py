"""`python -m tests.push.flooder URL COUNT CONNECTIONS`: POST COUNT badly signed deliveries to URL as fast as
CONNECTIONS threads can (another process, as an attacker would be); prints a JSON count of the statuses."""

from __future__ import annotations

import http.client
import json
import sys
import threading
from collections import Counter
from urllib.parse import urlsplit

BODY = b'{"id":"evt_flood","type":"resource.status_changed","created_at":"2026-01-01T00:00:00Z","data":{}}'
HEADERS = {"Content-Type": "application/json", "X-CloudForge-Signature": "sha256=" + "0" * 64}


def main() -> None:
    url, count, connections = urlsplit(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    codes: Counter[str] = Counter()
    lock = threading.Lock()

    def worker(share: int) -> None:
        for _ in range(share):
            connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
            try:
                connection.request("POST", url.path or "/", body=BODY, headers=HEADERS)
                code = str(connection.getresponse().status)
            except OSError as error:
                code = type(error).__name__
            finally:
                connection.close()
            with lock:
                codes[code] += 1

    shares = [count // connections + (1 if i < count % connections else 0) for i in range(connections)]
    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(dict(codes)))


if __name__ == "__main__":
    main()
