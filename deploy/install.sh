#!/usr/bin/env bash
# Install or upgrade Hiện Trường on this machine (Debian 12, as root), from the
# checkout this script sits in. Idempotent: run it again for every upgrade.
#
#   sudo deploy/install.sh            # code in /opt/hientruong, state in /var/lib/hientruong
#
# What it does, in order (docs/operations.md, "Upgrades"):
#   1. Debian packages (scripts/system-deps.sh) and nginx;
#   2. the `hientruong` system user, /etc/hientruong/hientruong.env (from the example,
#      once: fill it in, then run again), /var/lib/hientruong;
#   3. the code copied to /opt/hientruong and a virtualenv there with the project's
#      runtime dependencies only (requirements/lock.txt, hash-checked, no dev extras);
#   4. migrations, collectstatic (hashed, compressed), compiled translations;
#   5. the systemd units and the nginx site, then a reload of each.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
app=${HT_APP_DIR:-/opt/hientruong}
state=/var/lib/hientruong
envfile=/etc/hientruong/hientruong.env
lock=${HT_LOCK_FILE:-requirements/lock.txt}

[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 1; }

bash "$src/scripts/system-deps.sh"
dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "ok installed" \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx python3-venv

id hientruong >/dev/null 2>&1 || adduser --system --group --home "$state" --no-create-home hientruong
install -d -o hientruong -g hientruong -m 0750 "$state" "$state/media" "$state/static"
install -d -o root -g hientruong -m 0750 /etc/hientruong
if [[ ! -f $envfile ]]; then
  install -o root -g hientruong -m 0640 "$src/deploy/hientruong.env.example" "$envfile"
  echo "Wrote $envfile: set SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, then run again." >&2
  exit 1
fi

# The code: read-only for the service user.
install -d -m 0755 "$app"
tar -C "$src" --exclude=.git --exclude=.venv --exclude=.data --exclude=node_modules -cf - . \
  | tar -C "$app" -xf -
# Settings create .data/static under the code on import; it must exist read-only.
install -d -m 0755 "$app/.data" "$app/.data/static"
[[ -x $app/.venv/bin/python ]] || python3 -m venv "$app/.venv"
"$app/.venv/bin/pip" install -q --upgrade pip
# The project runs from its folder (templates, static files, translations and fixtures
# beside the code), so it is installed editable, from the hash-checked lock file.
if [[ -f $app/$lock ]]; then
  "$app/.venv/bin/pip" install -q --require-hashes -r "$app/$lock"
  "$app/.venv/bin/pip" install -q --no-deps --no-build-isolation -e "$app"
else
  "$app/.venv/bin/pip" install -q -e "$app"
fi

manage() {
  (cd "$app" && set -a && . "$envfile" && set +a && runuser -u hientruong -- .venv/bin/python manage.py "$@")
}
manage migrate --noinput
manage collectstatic --noinput -v 0
(cd "$app" && .venv/bin/python manage.py compilemessages -v 0 -i .venv >/dev/null 2>&1) || true
manage check --deploy --fail-level WARNING

install -m 0644 "$src"/deploy/systemd/hientruong-{web,worker,beat}.service /etc/systemd/system/
install -m 0644 "$src/deploy/nginx/hientruong.conf" /etc/nginx/sites-available/hientruong
ln -sf /etc/nginx/sites-available/hientruong /etc/nginx/sites-enabled/hientruong
nginx -t
systemctl daemon-reload
systemctl enable hientruong-web hientruong-worker hientruong-beat
# reload-or-restart: gunicorn reloads its workers gracefully (HUP); Celery restarts
# warm (tasks in hand finish).
systemctl reload-or-restart hientruong-web
systemctl restart hientruong-worker hientruong-beat
systemctl reload nginx
echo "Hiện Trường installed in $app (state in $state)."
