"""The GitHub App: webhooks in, queue jobs, Check Runs out. A thin layer over `checks`."""
