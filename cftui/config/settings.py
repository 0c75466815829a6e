"""One `Settings` from flags > environment > profile file > defaults, with the key policy applied.

Each setting is declared once, in `cftui.settings_spec` (its field, flag and environment variable); this module
resolves them into the frozen `Settings` every front end runs on. Every problem is a `ConfigError` whose text
names the file and field.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from cftui.api.keys import ApiKey, KeyPolicyError, api_url_warning, check_api_url
from cftui.config.document import KEY_FIELDS, WEBHOOK_SECRET_FIELDS, unchosen_note
from cftui.config.errors import ConfigError
from cftui.config.layers import Layers
from cftui.config.secret_sources import find_key, webhook_settings
from cftui.config.sign_in import OAUTH_FIELDS, signed_in, uses_oauth
from cftui.settings_spec import BY_NAME, SETTINGS

if TYPE_CHECKING:
    from cftui.api.bearer import BearerProvider


@dataclass(frozen=True)
class Settings:
    api_url: str
    api_key: ApiKey | BearerProvider  # a BearerProvider (an OAuthCredential) when the profile says auth = "oauth"
    profile: str | None = None
    interval: float = 5.0
    budget: float = 0.5
    theme: str | None = None
    allow_live_key: bool = False
    history: bool = True
    watch_operations: tuple[str, ...] = ()
    cost_thresholds: dict[str, Decimal] = field(default_factory=dict)
    bell: bool = False
    key_source: str = "CLOUDFORGE_API_KEY"
    config_file: Path | None = None
    warnings: tuple[str, ...] = ()  # sentences worth telling the user at start (a URL missing /v2)
    # the history file under a stable name instead of the API URL's hash; set by code (the demo), not by users
    history_name: str | None = None
    # the webhook receiver (push): where it listens ("host:port") and the shared secret (never shown)
    webhook_listen: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)

    @property
    def key_hint(self) -> str:
        """What to check when the key is rejected, e.g. "CLOUDFORGE_API_KEY" or "profile 'prod' (api_key)"."""
        return self.key_source

    @classmethod
    def load(cls, args: argparse.Namespace | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Build the settings; raise `ConfigError` with a clear sentence for anything unusable."""
        layers = Layers.read(args, environ)
        flags, merged, profile_name = layers.flags, layers.merged, layers.profile_name

        api_url, url_source = layers.api_url()
        allow_live = bool(layers.value(BY_NAME["allow_live_key"]))
        try:
            api_url = check_api_url(api_url, source=url_source)
            url_warning = api_url_warning(api_url, source=url_source)
        except KeyPolicyError as exc:
            raise ConfigError(str(exc)) from None
        key: ApiKey | BearerProvider
        if uses_oauth(layers):
            key, key_source = signed_in(api_url, profile_name, merged)
        else:
            secret, key_source = find_key(layers)
            try:
                key = ApiKey.parse(secret, source=key_source, allow_live=allow_live)
            except KeyPolicyError as exc:
                raise ConfigError(str(exc)) from None

        # every other setting of the spec that Settings holds: flag > environment > profile > Settings' default
        plain = {
            setting.name: value
            for setting in SETTINGS
            if setting.name in _PLAIN and (value := layers.value(setting)) is not None
        }
        watch = [*(merged.get("watch_operations") or ()), *(flags.get(BY_NAME["watch_operations"].dest) or ())]
        listen, webhook_secret = webhook_settings(layers)
        unchosen = unchosen_note(layers.document, profile_name, layers.path)
        return cls(
            **plain,
            api_url=api_url,
            api_key=key,
            profile=profile_name,
            allow_live_key=allow_live,
            watch_operations=tuple(dict.fromkeys(op.strip() for op in watch if op.strip())),
            cost_thresholds={name: Decimal(str(v)) for name, v in (merged.get("cost_thresholds") or {}).items()},
            key_source=key_source,
            config_file=layers.path if layers.path.exists() else None,
            warnings=tuple(note for note in (url_warning, unchosen) if note is not None),
            history_name=flags.get("history_name") or None,
            webhook_listen=listen,
            webhook_secret=webhook_secret,
        )


# Settings resolved by their own rules in `Settings.load` (the key's sources, the URL's checks, lists that add up).
_SPECIAL = {"profile", "api_url", *KEY_FIELDS, "allow_live_key"}
_SPECIAL |= {"watch_operations", "cost_thresholds", "webhook_listen", *WEBHOOK_SECRET_FIELDS}
_SPECIAL |= {*OAUTH_FIELDS, "token_store"}
_PLAIN = {f.name for f in fields(Settings)} & {s.name for s in SETTINGS} - _SPECIAL
