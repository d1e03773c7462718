#!/usr/bin/env bash
# Entrypoint of the icsat image (web, Celery worker and beat alike).
#
#   ICSAT_MIGRATE=1        wait for the database, then `migrate --noinput`
#                          (compose sets it on the one-shot migrate service only).
#   ICSAT_WAIT_FOR_DB=1    wait for the database without migrating.
#   ICSAT_DB_WAIT_TIMEOUT  seconds to wait for the database (default 60).
#
# Then it execs the command (gunicorn, celery, manage.py ...), which takes
# this shell's place as PID 1 and so receives the container's stop signal.
set -euo pipefail

log() { printf 'entrypoint: %s\n' "$*" >&2; }

# Wait until Django can open a connection to DATABASES["default"], using the
# settings' own DATABASE_URL parsing, so any URL the settings accept works.
wait_for_db() {
    python - "${ICSAT_DB_WAIT_TIMEOUT:-60}" <<'PY'
import sys
import time

import django

django.setup()

from django.db import connection
from django.db.utils import InterfaceError, OperationalError

deadline = time.monotonic() + float(sys.argv[1])
while True:
    try:
        connection.ensure_connection()
    except (OperationalError, InterfaceError) as exc:
        connection.close()
        if time.monotonic() >= deadline:
            sys.exit(f"entrypoint: database still unreachable, giving up: {exc}")
        print("entrypoint: waiting for the database ...", file=sys.stderr, flush=True)
        time.sleep(1)
    else:
        connection.close()
        break
PY
}

# STATIC_ROOT is $ICSAT_VAR_DIR/staticfiles and the image keeps its collected
# files in /app/staticfiles behind a symlink there. A named volume over
# ICSAT_VAR_DIR gets the symlink from the image; a bind mount or an empty
# volume from elsewhere does not, so add it when it is missing.
link_static() {
    local target=/app/staticfiles
    local link="${ICSAT_VAR_DIR:-/app/var}/staticfiles"
    [[ -d $target ]] || return 0
    if [[ ! -e $link && ! -L $link ]]; then
        mkdir -p "$(dirname "$link")"
        # Several containers may start at once on one volume: losing the race
        # is fine as long as a link is there afterwards.
        ln -s "$target" "$link" 2>/dev/null || [[ -L $link ]] \
            || log "could not link $link -> $target"
    elif [[ ! -L $link ]]; then
        log "warning: $link is a real directory; it shadows the image's static files in $target"
    fi
}

link_static

if [[ ${ICSAT_MIGRATE:-0} == 1 ]]; then
    wait_for_db
    log "applying migrations"
    python manage.py migrate --noinput
    python manage.py rebuild_rollups --if-missing
elif [[ ${ICSAT_WAIT_FOR_DB:-0} == 1 ]]; then
    wait_for_db
fi

exec "$@"
