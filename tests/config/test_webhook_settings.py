"""Webhook receiver settings: address, secret sources, the 0600 rule, masking, and refusals in one sentence."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from cftui.config import Settings
from tests.config.test_settings import READ, env_for, flags, load_error, write_config

SECRET = "a-webhook-secret-of-32-characters"


def test_no_listen_address_means_no_receiver(tmp_path: Path) -> None:
    settings = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ, CFTUI_WEBHOOK_SECRET=SECRET))
    assert settings.webhook_listen is None and settings.webhook_secret is None


def test_flag_and_environment(tmp_path: Path) -> None:
    env = env_for(tmp_path, CLOUDFORGE_API_KEY=READ, CFTUI_WEBHOOK_SECRET=SECRET)
    settings = Settings.load(flags("--webhook-listen", "8787"), env)
    assert settings.webhook_listen == "127.0.0.1:8787"  # a bare port: loopback
    assert settings.webhook_secret == SECRET and SECRET not in repr(settings)
    wide = Settings.load(flags("--webhook-listen", "0.0.0.0:9000"), env)
    assert wide.webhook_listen == "0.0.0.0:9000"  # another address only when named
    assert Settings.load(flags("--webhook-listen", "[::1]:0"), env).webhook_listen == "[::1]:0"
    env_only = Settings.load(None, {**env, "CFTUI_WEBHOOK_LISTEN": "127.0.0.2:7000"})
    assert env_only.webhook_listen == "127.0.0.2:7000"
    assert Settings.load(flags("events", "--webhook-listen", ":8787"), env).webhook_listen == "127.0.0.1:8787"


def test_profile_fields_and_the_0600_rule(tmp_path: Path) -> None:
    text = f'api_key = "{READ}"\n[profiles.ops]\nwebhook_listen = "127.0.0.1:8787"\nwebhook_secret = "{SECRET}"\n'
    write_config(tmp_path, text)
    settings = Settings.load(flags("--profile", "ops"), env_for(tmp_path))
    assert (settings.webhook_listen, settings.webhook_secret) == ("127.0.0.1:8787", SECRET)
    write_config(tmp_path, text, mode=0o644)
    message = load_error(flags("--profile", "ops"), env_for(tmp_path))
    assert "readable by other users" in message and "chmod 600" in message and SECRET not in message


def test_secret_file_and_command(tmp_path: Path) -> None:
    secret_file = tmp_path / "webhook.secret"
    secret_file.write_text(SECRET + "\n")
    secret_file.chmod(0o600)
    write_config(tmp_path, f'webhook_listen = "8787"\nwebhook_secret_file = "{secret_file}"\n')
    env = env_for(tmp_path, CLOUDFORGE_API_KEY=READ)
    assert Settings.load(None, env).webhook_secret == SECRET
    secret_file.chmod(0o640)
    message = load_error(None, env)
    assert "holds a webhook secret" in message and SECRET not in message
    command = [sys.executable, "-c", f"print({SECRET!r})"]
    write_config(tmp_path, f'webhook_listen = "8787"\nwebhook_secret_command = {json.dumps(command)}\n')
    assert Settings.load(None, env).webhook_secret == SECRET
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    write_config(tmp_path, f'webhook_listen = "8787"\nwebhook_secret_command = {json.dumps(failing)}\n')
    assert "webhook_secret_command" in load_error(None, env) and "status 3" in load_error(None, env)


def test_refusals(tmp_path: Path) -> None:
    env = env_for(tmp_path, CLOUDFORGE_API_KEY=READ)
    assert "needs the webhook's shared secret" in load_error(flags("--webhook-listen", "8787"), env)
    short = {**env, "CFTUI_WEBHOOK_SECRET": "short"}
    message = load_error(flags("--webhook-listen", "8787"), short)
    assert "too short" in message and "short" not in message.split("too short")[0].split("from")[0]
    full = {**env, "CFTUI_WEBHOOK_SECRET": SECRET}
    assert "no valid port" in load_error(flags("--webhook-listen", "host:port"), full)
    assert "brackets" in load_error(flags("--webhook-listen", "::1:80"), full)
    write_config(tmp_path, f'webhook_listen = "1"\nwebhook_secret = "{SECRET}"\nwebhook_secret_file = "x"\n')
    assert "keep only one of them" in load_error(None, env)
    write_config(tmp_path, "webhook_secret = 12345678901234567890\n")
    message = load_error(None, env)
    assert "webhook_secret" in message and "12345678901234567890" not in message
