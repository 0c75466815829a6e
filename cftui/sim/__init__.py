"""The CloudForge API v2 simulator: a real HTTP server (Starlette + uvicorn) written from the API reference alone.

It never imports `cftui.api`, `cftui.monitor` or `cftui.ui`: it is the other side of the contract.
"""
