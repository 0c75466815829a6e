"""What engineers use without cftui, measured beside it: a naive poller, `watch curl`, and a bare Textual app."""
