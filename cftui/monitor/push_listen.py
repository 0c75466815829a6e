"""Where the webhook receiver listens: `HOST:PORT` as written by a person, loopback unless named otherwise."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

DEFAULT_HOST = "127.0.0.1"


class ListenError(ValueError):
    """`--webhook-listen` / `webhook_listen` cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class ListenAddress:
    host: str
    port: int

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False  # a host name: whatever it resolves to, it was named explicitly

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def parse_listen(text: str) -> ListenAddress:
    """`127.0.0.1:8787`, `[::1]:8787`, `0.0.0.0:8787`, or a bare `8787` / `:8787` (loopback)."""
    value = text.strip()
    if not value:
        raise ListenError("the webhook listen address is empty; give HOST:PORT or a port such as 8787")
    host, port_text = DEFAULT_HOST, value
    if value.startswith("["):
        closing = value.find("]")
        if closing < 0 or not value[closing + 1 :].startswith(":"):
            raise ListenError(f"{value!r} is not [IPV6]:PORT")
        host, port_text = value[1:closing], value[closing + 2 :]
    elif ":" in value:
        host, port_text = value.rsplit(":", 1)
        host = host or DEFAULT_HOST
        if ":" in host:
            raise ListenError(f"{value!r}: write an IPv6 address in brackets, as [::1]:8787")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ListenError(f"{value!r} has no valid port (0-65535)")
    return ListenAddress(host, int(port_text))
