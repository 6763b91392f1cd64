# Shared by scripts/setup, test, demo and bench: where things live, and small helpers.
# Sourced, never run. Everything downloaded lives in $ROOMSCRIBE_CACHE, outside the repository.

set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOMSCRIBE_CACHE="${ROOMSCRIBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/roomscribe}"
ARTIFACTS="$REPO/scripts/lib/artifacts.py"

say() { printf '\033[1m%s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Python 3.11+ with tomllib: Debian 12's python3 is 3.11.
python_for_setup() {
  local py
  for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import tomllib' 2>/dev/null; then
      echo "$py"; return
    fi
  done
  die "python3 (3.11 or newer) is needed; on Debian 12: apt-get install python3"
}

# Exports LIBTORCH (assembling it on first use) so torch-sys builds against it; the build bakes
# its lib folder into the binary's runpath.
use_libtorch() {
  LIBTORCH="$("$(python_for_setup)" "$ARTIFACTS" libtorch)"
  export LIBTORCH
}

model_dir() { "$(python_for_setup)" "$ARTIFACTS" path "$1"; }
