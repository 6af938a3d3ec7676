#!/usr/bin/env bash
# The release step of a deployment: run ONCE per release, with the new code and the
# production settings, before the new app servers start (docs/deployment.md). Never in
# each app server's start command: two instances would migrate at the same time.
#   make up:            ops/up.py runs it (with RELEASE_BUILD_STEPS=true)
#   docker-compose.yml: the one-shot `release` service
# Safe to run twice: every step is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python )}
manage() { "$python" manage.py "$@"; }

# What a container image does at build time (Dockerfile); `make up` runs from a checkout.
if [ "${RELEASE_BUILD_STEPS:-false}" = true ]; then
    manage compilemessages --ignore=.venv --ignore=.tools --ignore=staticfiles -v0
    # Only when the static files changed (collecting and compressing them all takes long).
    fingerprint=$( (find static -type f -printf '%P %s %T@\n' | sort; cat uv.lock) | sha256sum)
    if [ "$(cat staticfiles/.fingerprint 2>/dev/null)" != "$fingerprint" ]; then
        manage collectstatic --noinput -v0
        echo "$fingerprint" >staticfiles/.fingerprint
    fi
fi
manage migrate --noinput
# The database cache that counts rate limits when no Redis is configured.
manage createcachetable
# The private files' bucket (or PORTAL_MEDIA_ROOT without object storage). The object
# store may still be starting (docker-compose.yml starts them together): a minute.
for attempt in $(seq 30); do
    manage ensure_bucket && break
    [ "$attempt" = 30 ] && exit 1
    sleep 2
done
