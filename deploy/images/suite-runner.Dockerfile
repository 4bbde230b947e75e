# The image that runs `python -m conduit_suite` inside an evaluation pod.
# Production builds it on the official image; local builds pass
# --build-arg BASE=decaycheck/python:local. The conduit_suite package itself
# is copied into the pod per evaluation (PYTHONPATH=/suite), so it is always
# the service's own version.
ARG BASE=python:3.11-slim
FROM ${BASE}
RUN python3 -m venv /opt/suite \
 && /opt/suite/bin/pip install -q --no-cache-dir --disable-pip-version-check \
      "httpx>=0.27" "pydantic>=2.7" "pyyaml>=6.0" "jsonschema>=4.22"
ENV PATH=/opt/suite/bin:$PATH PYTHONPATH=/suite PYTHONDONTWRITEBYTECODE=1
CMD ["python", "-m", "conduit_suite", "--help"]
