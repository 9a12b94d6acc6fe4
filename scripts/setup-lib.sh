# Shared by the setup scripts (sourced, not run): messages, timed steps, a lock so
# concurrent runs wait for each other, and apt installs with one `apt-get update`.
# The sourcing script sets SETUP_NAME (the prefix of its messages) and CACHE first.

die() { echo "$SETUP_NAME: $*" >&2; exit 1; }

T0=$EPOCHREALTIME
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# step NAME COMMAND...: runs a step and prints how long it took.
step() {
  local name=$1 t=$EPOCHREALTIME
  shift
  echo "$SETUP_NAME: $name ..."
  "$@"
  echo "$SETUP_NAME: $name done in $(elapsed "$t") s"
}

# take_lock SECONDS: waits for another run of the same script to finish.
take_lock() {
  mkdir -p "$CACHE" /run/lock
  local lock=/run/lock/dockerfile-slim-$SETUP_NAME.lock
  exec 9>"$lock"
  flock -w "$1" 9 || die "another $SETUP_NAME has held $lock for $1 s"
}

apt_updated=false
apt_update() {
  $apt_updated && return 0
  # Unreachable third-party sources only warn; a missing package fails the install below.
  apt-get update -qq >/dev/null 2>&1 || apt-get update -qq || true
  apt_updated=true
}

apt_install() {
  local log=$CACHE/$SETUP_NAME-apt.log
  apt_update
  apt-get install -y -qq --no-install-recommends "$@" >"$log" 2>&1 \
    || { tail -n 20 "$log" >&2; die "apt-get install $* failed (log: $log)"; }
}
