"""Settings: precedence, profiles, key sources, key policy, file permissions and the messages a user sees."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from cftui.cli import build_parser
from cftui.config import DEFAULT_API_URL, ConfigError, Settings, config_path

READ = "cf_read_a1b2c3d4e5f6g7h8i9j03f9a"
TEST = "cf_test_a1b2c3d4e5f6g7h8i9j0beef"
LIVE = "cf_live_a1b2c3d4e5f6g7h8i9j0dead"
OTHER_READ = "cf_read_zzzzzzzzzzzzzzzzzzzz7777"


def write_config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "xdg_config_home" / "cftui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def env_for(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg_config_home"), **values}


def flags(*argv: str) -> argparse.Namespace:
    return build_parser(list(argv)).parse_args(list(argv))


def load_error(args: argparse.Namespace | None, environ: dict[str, str]) -> str:
    with pytest.raises(ConfigError) as caught:
        Settings.load(args, environ)
    return str(caught.value)


# --- precedence ------------------------------------------------------------------------------------------


def test_defaults_with_only_an_environment_key(tmp_path: Path) -> None:
    settings = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ))
    assert settings.api_url == DEFAULT_API_URL
    assert settings.api_key.reveal() == READ
    assert settings.api_key.kind == "read"
    assert (settings.interval, settings.budget, settings.history, settings.bell) == (5.0, 0.5, True, False)
    assert settings.profile is None
    assert settings.key_source == "CLOUDFORGE_API_KEY"


def test_flags_beat_environment_beat_profile(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        f"""
        [profiles.prod]
        api_url = "https://profile.example.com/v2"
        api_key = "{OTHER_READ}"
        interval = 30
        budget = 0.25
        theme = "nord"
        """,
    )
    environ = env_for(tmp_path, CFTUI_PROFILE="prod", CLOUDFORGE_API_URL="https://env.example.com/v2")
    from_profile_and_env = Settings.load(None, environ)
    assert from_profile_and_env.api_url == "https://env.example.com/v2"  # env beats profile
    assert from_profile_and_env.api_key.reveal() == OTHER_READ
    assert (from_profile_and_env.interval, from_profile_and_env.budget) == (30.0, 0.25)
    assert from_profile_and_env.theme == "nord"

    key_file = tmp_path / "flag.key"
    key_file.write_text(READ + "\n")
    key_file.chmod(0o600)
    args = flags("--api-url", "https://flag.example.com/v2", "--interval", "2", "--api-key-file", str(key_file))
    from_flags = Settings.load(args, {**environ, "CLOUDFORGE_API_KEY": TEST})
    assert from_flags.api_url == "https://flag.example.com/v2"
    assert from_flags.interval == 2.0
    assert from_flags.budget == 0.25  # not given as a flag: the profile's
    assert from_flags.api_key.reveal() == READ  # --api-key-file beats the environment
    assert from_flags.key_source == f"--api-key-file {key_file}"


def test_environment_key_beats_profile_key(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.prod]\napi_key = "{OTHER_READ}"\n')
    settings = Settings.load(None, env_for(tmp_path, CFTUI_PROFILE="prod", CLOUDFORGE_API_KEY=READ))
    assert settings.api_key.reveal() == READ


def test_profile_flag_beats_environment_and_default_profile(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        f"""
        default_profile = "a"
        [profiles.a]
        api_key = "{READ}"
        interval = 1
        [profiles.b]
        api_key = "{OTHER_READ}"
        interval = 2
        [profiles.c]
        api_key = "{READ}"
        interval = 3
        """,
    )
    environ = env_for(tmp_path)
    assert Settings.load(None, environ).interval == 1.0
    assert Settings.load(None, {**environ, "CFTUI_PROFILE": "b"}).profile == "b"
    chosen = Settings.load(flags("--profile", "c"), {**environ, "CFTUI_PROFILE": "b"})
    assert (chosen.profile, chosen.interval) == ("c", 3.0)


def test_top_level_fields_are_defaults_for_every_profile(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        f"""
        api_key = "{READ}"
        budget = 0.2
        watch_operations = ["op_one"]
        [profiles.staging]
        interval = 12
        cost_thresholds = {{ proj_abc = 1000, web = 12.5 }}
        bell = true
        history = false
        """,
    )
    settings = Settings.load(flags("--watch-op", "op_two"), env_for(tmp_path, CFTUI_PROFILE="staging"))
    assert settings.api_key.reveal() == READ
    assert (settings.budget, settings.interval, settings.bell, settings.history) == (0.2, 12.0, True, False)
    assert settings.watch_operations == ("op_one", "op_two")
    assert settings.cost_thresholds == {"proj_abc": Decimal("1000"), "web": Decimal("12.5")}
    assert settings.key_source == f"the config file {config_path(env_for(tmp_path))} (api_key)"


def test_no_history_flag_and_allow_live_flag(tmp_path: Path) -> None:
    settings = Settings.load(flags("--no-history", "--allow-live-key"), env_for(tmp_path, CLOUDFORGE_API_KEY=LIVE))
    assert settings.history is False
    assert settings.allow_live_key is True
    assert settings.api_key.kind == "live"


def test_cftui_config_overrides_the_path(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(f'[profiles.x]\napi_key = "{READ}"\n')
    elsewhere.chmod(0o600)
    settings = Settings.load(None, env_for(tmp_path, CFTUI_CONFIG=str(elsewhere), CFTUI_PROFILE="x"))
    assert settings.config_file == elsewhere
    message = load_error(None, env_for(tmp_path, CFTUI_CONFIG=str(tmp_path / "missing.toml")))
    assert "missing.toml" in message and "CFTUI_CONFIG" in message and "does not exist" in message


# --- key policy ---------------------------------------------------------------------------------------


def test_test_key_is_accepted_and_marked(tmp_path: Path) -> None:
    key = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=TEST)).api_key
    assert key.kind == "test" and key.is_test


def test_live_key_refused_with_reason_and_flag(tmp_path: Path) -> None:
    message = load_error(None, env_for(tmp_path, CLOUDFORGE_API_KEY=LIVE))
    assert "--allow-live-key" in message
    assert "live key" in message and "only reads" in message
    assert "cf_live_…dead" in message
    assert LIVE not in message


def test_live_key_allowed_from_profile(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.ops]\napi_key = "{LIVE}"\nallow_live_key = true\n')
    assert Settings.load(None, env_for(tmp_path, CFTUI_PROFILE="ops")).api_key.kind == "live"


@pytest.mark.parametrize("raw", ["hunter2", "sk_live_abcdefghijklmnopqrs", "cf_read_", "cf_read_short", "cf_admin_x1"])
def test_not_a_cloudforge_key(tmp_path: Path, raw: str) -> None:
    message = load_error(None, env_for(tmp_path, CLOUDFORGE_API_KEY=raw))
    # a known prefix with too little after it is called too short; anything else is not a key at all
    expected = "too short to be a CloudForge API key" if raw.startswith("cf_read_") else "not a CloudForge API key"
    assert expected in message
    if len(raw) > 8:
        assert raw not in message  # not even a wrong secret is echoed


def test_key_with_a_header_breaking_character_is_refused(tmp_path: Path) -> None:
    message = load_error(None, env_for(tmp_path, CLOUDFORGE_API_KEY="cf_read_abcdefgh\r\nX-Evil: 1"))
    assert "not a CloudForge API key" in message


def test_missing_key_says_where_to_put_one(tmp_path: Path) -> None:
    message = load_error(None, env_for(tmp_path))
    assert "CLOUDFORGE_API_KEY" in message and "--api-key-file" in message and "api_key_command" in message
    assert str(config_path(env_for(tmp_path))) in message


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8765/v2", True),
        ("http://localhost:9/v2", True),
        ("http://[::1]:9/v2", True),
        ("http://127.3.4.5/v2", True),
        ("https://api.example.com/v2", True),
        ("http://api.example.com/v2", False),
        ("http://10.0.0.1/v2", False),
        ("ftp://127.0.0.1/v2", False),
        ("not a url", False),
    ],
)
def test_key_never_over_plain_http_except_loopback(tmp_path: Path, url: str, allowed: bool) -> None:
    environ = env_for(tmp_path, CLOUDFORGE_API_KEY=READ, CLOUDFORGE_API_URL=url)
    if allowed:
        assert Settings.load(None, environ).api_url == url.rstrip("/")
    else:
        message = load_error(None, environ)
        assert "CLOUDFORGE_API_URL" in message
        assert ("plain http://" in message) if url.startswith("http://") else ("not an http(s) URL" in message)


# --- files and permissions ------------------------------------------------------------------------


def test_config_holding_a_key_must_be_private(tmp_path: Path) -> None:
    path = write_config(tmp_path, f'[profiles.prod]\napi_key = "{READ}"\n', mode=0o644)
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="prod"))
    assert f"chmod 600 {path}" in message
    assert "0644" in message
    assert READ not in message
    path.chmod(0o600)
    assert Settings.load(None, env_for(tmp_path, CFTUI_PROFILE="prod")).api_key.reveal() == READ


def test_config_without_a_key_may_be_world_readable(tmp_path: Path) -> None:
    write_config(tmp_path, "[profiles.prod]\ninterval = 9\n", mode=0o644)
    assert Settings.load(None, env_for(tmp_path, CFTUI_PROFILE="prod", CLOUDFORGE_API_KEY=READ)).interval == 9.0


def test_key_file_relative_to_config_and_must_be_private(tmp_path: Path) -> None:
    write_config(tmp_path, '[profiles.prod]\napi_key_file = "prod.key"\n', mode=0o644)
    key_path = tmp_path / "xdg_config_home" / "cftui" / "prod.key"
    key_path.write_text(f"\n  {READ}  \nsecond line ignored\n")
    key_path.chmod(0o640)
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="prod"))
    assert f"chmod 600 {key_path}" in message
    key_path.chmod(0o600)
    settings = Settings.load(None, env_for(tmp_path, CFTUI_PROFILE="prod"))
    assert settings.api_key.reveal() == READ
    assert settings.key_source == f"profile 'prod' (api_key_file {key_path})"


def test_missing_key_file(tmp_path: Path) -> None:
    message = load_error(flags("--api-key-file", str(tmp_path / "nope.key")), env_for(tmp_path))
    assert "nope.key" in message and "does not exist" in message


def test_two_key_sources_in_one_profile(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.p]\napi_key = "{READ}"\napi_key_command = "echo x"\n')
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="p"))
    assert "api_key and api_key_command" in message and "keep only one" in message


# --- api_key_command ----------------------------------------------------------------------------------


def command_profile(tmp_path: Path, command: str) -> dict[str, str]:
    write_config(tmp_path, f"[profiles.cmd]\napi_key_command = {command}\n")
    return env_for(tmp_path, CFTUI_PROFILE="cmd")


def python_command(code: str) -> str:
    """A TOML array (literal strings: no escapes) running `code` with this Python."""
    return f"['{sys.executable}', '-c', '''{code}''']"


def test_key_command_output_is_the_key(tmp_path: Path) -> None:
    environ = command_profile(tmp_path, f'"{sys.executable} -c \\"print(\'{READ}\')\\""')
    settings = Settings.load(None, environ)
    assert settings.api_key.reveal() == READ
    assert settings.key_source == "profile 'cmd' (api_key_command)"


def test_key_command_runs_without_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    environ = command_profile(tmp_path, f'"echo {READ}; touch {marker}"')
    # without a shell `;` is just an argument to echo: the output is not a key and nothing was touched
    message = load_error(None, environ)
    assert "not a CloudForge API key" in message
    assert not marker.exists()


def test_key_command_failure_shows_status_and_stderr(tmp_path: Path) -> None:
    code = "import sys; sys.stderr.write('vault is sealed\\n'); sys.exit(3)"
    environ = command_profile(tmp_path, python_command(code))
    message = load_error(None, environ)
    assert "exited with status 3" in message and "vault is sealed" in message
    assert "profile 'cmd'" in message


def test_key_command_not_found(tmp_path: Path) -> None:
    message = load_error(None, command_profile(tmp_path, '"no-such-helper-cftui get key"'))
    assert "'no-such-helper-cftui' was not found" in message


def test_key_command_that_prints_nothing(tmp_path: Path) -> None:
    message = load_error(None, command_profile(tmp_path, '"true"'))
    assert "printed nothing" in message


def test_key_command_printing_bytes_that_are_not_text_is_a_clear_error(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.buffer.write(bytes([0xff, 0xfe]) + b'\\n'); sys.stderr.buffer.write(b'\\xff')"
    message = load_error(None, command_profile(tmp_path, python_command(code)))
    assert "not a CloudForge API key" in message and "api_key_command" in message


def test_key_command_stderr_is_masked(tmp_path: Path) -> None:
    code = f"import sys; sys.stderr.write('bad key {LIVE}\\n'); sys.exit(1)"
    message = load_error(None, command_profile(tmp_path, python_command(code)))
    assert LIVE not in message and "cf_live_…dead" in message


# --- bad files --------------------------------------------------------------------------------------


def test_unknown_profile_lists_the_known_ones(tmp_path: Path) -> None:
    path = write_config(tmp_path, f'[profiles.prod]\napi_key = "{READ}"\n[profiles.dev]\ninterval = 2\n')
    message = load_error(flags("--profile", "staging"), env_for(tmp_path))
    assert "Profile 'staging'" in message and str(path) in message and "dev, prod" in message


def test_profile_named_without_a_config_file(tmp_path: Path) -> None:
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="prod", CLOUDFORGE_API_KEY=READ))
    assert message.startswith("There is no config file at ") and message.endswith(", so no profile 'prod'.")


def test_bad_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "[profiles.prod\ninterval = 5\n")
    message = load_error(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ))
    assert str(path) in message and "not valid TOML" in message and "line 1" in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('interval = "fast"', "field 'profiles.p.interval'"),
        ("interval = -1", "field 'profiles.p.interval': Input should be greater than 0"),
        ("budget = 1.5", "field 'profiles.p.budget'"),
        ("bell = 1", "field 'profiles.p.bell'"),
        ('watch_operations = "op_1"', "field 'profiles.p.watch_operations'"),
        ("intervall = 5", "field 'profiles.p.intervall': is not a known setting"),
        ("cost_thresholds = { web = -3 }", "field 'profiles.p.cost_thresholds.web'"),
    ],
)
def test_bad_value_types_name_the_field(tmp_path: Path, body: str, expected: str) -> None:
    path = write_config(tmp_path, f"[profiles.p]\n{body}\n")
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="p", CLOUDFORGE_API_KEY=READ))
    assert str(path) in message
    assert expected in message


def test_bad_api_key_value_is_not_echoed(tmp_path: Path) -> None:
    write_config(tmp_path, f"[profiles.p]\napi_key = ['{READ}']\n")
    message = load_error(None, env_for(tmp_path, CFTUI_PROFILE="p"))
    assert "field 'profiles.p.api_key'" in message
    assert READ not in message


@pytest.mark.parametrize(("argv", "flag"), [(("--interval", "0"), "--interval"), (("--budget", "1.5"), "--budget")])
def test_out_of_range_flags(tmp_path: Path, argv: tuple[str, ...], flag: str) -> None:
    message = load_error(flags(*argv), env_for(tmp_path, CLOUDFORGE_API_KEY=READ))
    assert message.startswith(flag) and "out of range" in message


def test_settings_repr_masks_the_key(tmp_path: Path) -> None:
    settings = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ))
    for text in (repr(settings), str(settings), repr(settings.api_key), str(settings.api_key), f"{settings}"):
        assert READ not in text
        assert "cf_read_…3f9a" in text


def test_settings_copy_and_replace_keep_the_key_masked(tmp_path: Path) -> None:
    settings = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ))
    as_dict = dataclasses.asdict(settings)
    assert as_dict["api_key"] is settings.api_key and READ not in repr(as_dict)
    faster = dataclasses.replace(settings, interval=1.0)
    assert faster.interval == 1.0 and faster.api_key.reveal() == READ
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.interval = 2.0  # type: ignore[misc]


def test_load_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFORGE_API_KEY", TEST)
    monkeypatch.setenv("CLOUDFORGE_API_URL", "http://127.0.0.1:1/v2")
    settings = Settings.load()
    assert settings.api_key.kind == "test" and settings.api_url == "http://127.0.0.1:1/v2"


# --- messages a new user meets ------------------------------------------------------------------------


def test_a_too_short_key_is_called_too_short() -> None:
    from cftui.api.keys import ApiKey, KeyPolicyError

    with pytest.raises(KeyPolicyError) as caught:
        ApiKey.parse("cf_read_abc")
    message = str(caught.value)
    assert "too short" in message and "3 characters" in message and "at least 8" in message
    assert "abc" not in message.replace("cf_read_", "")  # the key itself is not echoed


def test_articles_before_numbers() -> None:
    from cftui.api.keys import ApiKey, KeyPolicyError, a_number

    assert [a_number(n) for n in (1, 8, 11, 12, 18, 80, 110, 800, 11_000, 18_500, 180_000)] == [
        "a 1", "an 8", "an 11", "a 12", "an 18", "an 80", "a 110", "an 800", "an 11000", "an 18500", "a 180000"
    ]  # fmt: skip
    with pytest.raises(KeyPolicyError, match=r"\(an 11-character value\)"):
        ApiKey.parse("xx_read_abc")


def test_an_api_url_without_v2_is_warned_about(tmp_path: Path) -> None:
    env = env_for(tmp_path, CLOUDFORGE_API_KEY=READ)
    plain = Settings.load(flags("--api-url", "http://127.0.0.1:8080"), env)
    (warning,) = plain.warnings
    assert warning.startswith("The API URL http://127.0.0.1:8080 (from --api-url) does not end in /v2")
    assert Settings.load(flags("--api-url", "http://127.0.0.1:8080/v2/"), env).warnings == ()
    assert Settings.load(None, env).warnings == ()  # the default URL


# --- one declaration ---------------------------------------------------------------------------------------


def test_every_setting_is_declared_once_for_flag_env_and_file(tmp_path: Path) -> None:
    """The flags, the file's fields and the environment variables all come from `settings_spec.SETTINGS`."""
    from cftui.config import ProfileFields
    from cftui.settings_spec import SETTINGS

    help_text = build_parser([]).format_help()
    for setting in SETTINGS:
        if setting.flag:
            assert setting.flag in help_text, setting.name
        if setting.env:
            assert f"env {setting.env}" in help_text or setting.flag is None, setting.name
        assert (setting.name in ProfileFields.model_fields) == setting.in_file
    # a file field with its declared bound: budget must be in (0, 1]
    write_config(tmp_path, "budget = 0\n")
    assert "field 'budget'" in load_error(None, env_for(tmp_path, CLOUDFORGE_API_KEY=READ))


def test_every_setting_of_the_spec_reaches_settings() -> None:
    """A setting added to the spec but not to `Settings` (nor resolved by a rule of its own) would be read from
    flag, environment and file and then silently dropped."""
    from dataclasses import fields

    from cftui.config.settings import _SPECIAL
    from cftui.settings_spec import SETTINGS

    held = {f.name for f in fields(Settings)}
    assert [s.name for s in SETTINGS if s.name not in held and s.name not in _SPECIAL] == []


def test_config_path_comes_from_platformdirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    assert config_path({}) == tmp_path / "elsewhere" / "cftui" / "config.toml"
    assert config_path({"CFTUI_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"


# --- profiles like the AWS CLI (issue 13 item 16) ----------------------------------------------------------


def test_a_profile_named_default_is_used_when_none_is_named(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        f'[profiles.default]\napi_key = "{READ}"\ninterval = 7\n[profiles.other]\napi_key = "{TEST}"\ninterval = 1\n',
    )
    settings = Settings.load(None, env_for(tmp_path))
    assert (settings.profile, settings.interval, settings.api_key.reveal()) == ("default", 7.0, READ)
    assert settings.key_source == "profile 'default' (api_key)"
    assert settings.warnings == ()
    assert Settings.load(flags("--profile", "other"), env_for(tmp_path)).interval == 1.0


def test_the_only_profile_is_used_when_none_is_named(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.work]\napi_key = "{READ}"\n')
    settings = Settings.load(None, env_for(tmp_path))
    assert (settings.profile, settings.api_key.reveal()) == ("work", READ)


def test_several_profiles_none_chosen_lists_them_and_says_how_to_choose(tmp_path: Path) -> None:
    path = write_config(tmp_path, f'[profiles.prod]\napi_key = "{READ}"\n[profiles.dev]\napi_key = "{TEST}"\n')
    message = load_error(None, env_for(tmp_path))
    assert "add api_key" not in message  # the file has keys: never tell the user to add one
    assert str(path) in message and "dev, prod" in message and "none is chosen" in message
    assert "--profile NAME" in message and "CFTUI_PROFILE=NAME" in message and "default_profile" in message
    # with a key from elsewhere cftui starts, and says the profiles were not used
    settings = Settings.load(None, env_for(tmp_path, CLOUDFORGE_API_KEY=OTHER_READ))
    assert settings.profile is None and settings.api_key.reveal() == OTHER_READ
    assert any("dev, prod" in note and "--profile NAME" in note for note in settings.warnings)


def test_chosen_profile_without_a_key_says_which(tmp_path: Path) -> None:
    write_config(tmp_path, f'[profiles.prod]\napi_key = "{READ}"\n[profiles.dev]\ninterval = 2\n')
    message = load_error(flags("--profile", "dev"), env_for(tmp_path))
    assert "profile 'dev'" in message and "sets none of api_key" in message
