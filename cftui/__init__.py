"""cftui: the terminal dashboard for the CloudForge API v2."""

__version__ = "0.1.0"
