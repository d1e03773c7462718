# syntax=docker/dockerfile:1
#
# icsat image: one image for the web (gunicorn), the Celery worker and beat.
#
#   docker build -t icsat .
#   docker run --rm -e SECRET_KEY=... -e DATABASE_URL=... -e REDIS_URL=... -p 8000:8000 icsat
#
# Layout inside the image:
#   /opt/venv          virtualenv with the dependencies pinned in requirements/app.txt
#   /app               the code (root-owned, read-only for the app user)
#   /app/staticfiles   collectstatic output, built into the image
#   /app/var           ICSAT_VAR_DIR, writable; mount a volume here. Holds a
#                      symlink staticfiles -> /app/staticfiles (STATIC_ROOT is
#                      $ICSAT_VAR_DIR/staticfiles), so a volume over /app/var
#                      never shadows a new image's static files with old ones.
#   /app/uploads       ICSAT_UPLOAD_DIR, writable; mount a volume here.

ARG PYTHON_VERSION=3.12

# --- base: shared by both stages --------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# --- builder: dependencies, compiled translations, static files -------------
FROM base AS builder

# gettext provides msgfmt for compilemessages; it stays out of the final image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# pip >= 25.3 for --build-constraint.
RUN python -m venv /opt/venv \
    && pip install --upgrade "pip>=25.3"

WORKDIR /app

# Dependencies first, for layer caching: this layer is rebuilt only when the
# lockfiles change. requirements/app.txt pins every package with its hashes
# (`make lock` compiles it from pyproject.toml); requirements/build.txt pins,
# with hashes too, the setuptools<81 that xstatic-bootstrap's sdist needs to
# build (it imports pkg_resources). pyproject.toml declares `packages = []`:
# there is no project code to install, only these dependencies.
COPY requirements/app.txt requirements/build.txt requirements/
RUN pip install --require-hashes --build-constraint requirements/build.txt \
        -r requirements/app.txt

COPY . .

# Compile translations when there are any (.po files under locale/ or an
# app's locale/), then collect static files with DEBUG off, so whitenoise's
# CompressedManifestStaticFilesStorage writes the hashed, compressed files
# and staticfiles.json. Settings put STATIC_ROOT at $ICSAT_VAR_DIR/staticfiles;
# the result is moved to /app/staticfiles and linked back in the final stage.
# SECRET_KEY here is a throwaway (settings refuse to load without one when
# DEBUG is off): it exists only for these build-time commands, is not kept in
# the image's environment, and the runtime key always comes from outside.
RUN export SECRET_KEY=build-only-throwaway-key-not-a-secret DEBUG=False \
           ICSAT_VAR_DIR=/tmp/build-var DJANGO_SETTINGS_MODULE=icsat.settings \
    && if [ -n "$(find . -path ./node_modules -prune -o -name '*.po' -print -quit)" ]; then \
           python manage.py compilemessages --ignore=node_modules; \
       fi \
    && python manage.py collectstatic --noinput \
    && mv /tmp/build-var/staticfiles /app/staticfiles \
    && rm -rf /tmp/build-var

# --- runtime -----------------------------------------------------------------
FROM base AS runtime

ARG APP_UID=1000
ARG APP_GID=1000
RUN groupadd --system --gid "${APP_GID}" app \
    && useradd --system --uid "${APP_UID}" --gid app --create-home \
       --home-dir /home/app --shell /usr/sbin/nologin app

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app

WORKDIR /app

ENV DJANGO_SETTINGS_MODULE=icsat.settings \
    ICSAT_VAR_DIR=/app/var \
    ICSAT_UPLOAD_DIR=/app/uploads

# Writable directories belong to the app user; a named volume mounted over
# them starts with this ownership and content (including the staticfiles
# symlink). The code stays root-owned.
RUN mkdir -p /app/var /app/uploads \
    && ln -s /app/staticfiles /app/var/staticfiles \
    && chown app:app /app/var /app/uploads \
    && chmod 0755 /app/docker/entrypoint.sh

# Numeric, so orchestrators can verify runAsNonRoot.
USER ${APP_UID}:${APP_GID}

EXPOSE 8000

# No curl in slim: python's urllib. urlopen raises on a 503 (or no answer),
# which exits non-zero. The request goes to 127.0.0.1, which ALLOWED_HOSTS must
# contain (settings' default does), and /healthz is exempt from the HTTPS
# redirect. Worker and beat containers override or disable this check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=8)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "icsat.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--no-control-socket", "--access-logfile", "-"]
