"""Screenshots of the dashboard's main states: `python -m screenshots` regenerates them (SVG and PNG)."""
