"""cftui's settings: flags > environment > profile file > defaults, resolved into one `Settings`.

The modules, one job each: `errors` (ConfigError), `document` (the config file and its profiles), `layers`
(which layer a value comes from), `secret_sources` (the API key and the webhook secret), `sign_in` (OAuth
profiles and `cftui login`'s settings), `settings` (`Settings.load`). Each setting is declared once, in
`cftui.settings_spec`.
"""

from cftui.api.keys import ApiKey, mask_key
from cftui.config.document import ProfileFields, config_path
from cftui.config.errors import ConfigError
from cftui.config.layers import DEFAULT_API_URL
from cftui.config.settings import Settings
from cftui.config.sign_in import SignInSettings, load_sign_in

__all__ = [
    "DEFAULT_API_URL",
    "ApiKey",
    "ConfigError",
    "ProfileFields",
    "Settings",
    "SignInSettings",
    "config_path",
    "load_sign_in",
    "mask_key",
]
