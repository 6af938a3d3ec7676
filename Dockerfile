# The portal's image: the app servers (gunicorn), the Celery worker and beat, the release
# step (ops/release.sh) and, in development, the stand-in all run from it with another
# command (docker-compose.yml). TLS is terminated by a reverse proxy in front of nginx.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext hunspell-nl \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv

WORKDIR /app
# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --python python3
COPY . .
# Neither step needs secrets or a database. The stand-in stays off: it would
# write its signing key into the image.
RUN .venv/bin/python manage.py compilemessages --ignore=.venv -v0 \
    && STANDIN_ENABLED=false .venv/bin/python manage.py collectstatic --noinput -v0

RUN useradd --system --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /app/var/media /app/var/standin \
    && chown -R portal /app/var
USER portal

ENV PATH="/app/.venv/bin:$PATH"
EXPOSE 8000
# Threads: the OIDC callback calls the identity provider's token endpoint while
# a request is in progress. Migrations are not run here but once per release
# (ops/release.sh, the `release` service of docker-compose.yml).
ENV GUNICORN_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi"]
