"""Prometheus metrics of the web service and the workers (served at /metrics)."""

from prometheus_client import Counter, Histogram

WEBHOOKS = Counter("decaycheck_webhooks_total", "Webhook deliveries by event and outcome.", ["event", "outcome"])
GITHUB_REQUESTS = Counter(
    "decaycheck_github_requests_total", "GitHub API calls by method and status.", ["method", "status"]
)
JOBS = Counter("decaycheck_jobs_total", "Evaluation jobs by outcome.", ["outcome"])
EVALUATION_SECONDS = Histogram(
    "decaycheck_evaluation_seconds",
    "Wall time of one evaluation job.",
    buckets=(5, 15, 30, 60, 120, 300, 600, 1200, 1800),
)
