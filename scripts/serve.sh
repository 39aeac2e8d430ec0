#!/usr/bin/env bash
# `make serve`: nginx, Redis and both gunicorn pools on 127.0.0.1 (deploy/serve.py), as this
# user, from a run directory that is removed again on Ctrl-C. PORT=8000 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m deploy.serve --port "${PORT:-8000}" "$@"
