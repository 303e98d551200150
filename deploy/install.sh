#!/bin/sh
# Install Verve from this source tree into a virtual environment at PREFIX (default
# /opt/verve): build the wheel, install it with its dependencies, check the command runs.
# The Dockerfile runs this script and so does CI (.ci/run), so the image's install steps
# are tested even where containers cannot run.
set -eu
PREFIX="${1:-/opt/verve}"
PYTHON="${PYTHON:-python3}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"

"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Verve needs Python 3.11+")'
"$PYTHON" -m venv "$PREFIX"
WHEELS="$(mktemp -d)"
"$PREFIX/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check \
    --upgrade pip
"$PREFIX/bin/python" -m pip wheel --quiet --no-cache-dir --no-deps -w "$WHEELS" "$SRC"
"$PREFIX/bin/python" -m pip install --quiet --no-cache-dir --disable-pip-version-check \
    "$WHEELS"/verve-*.whl
rm -rf "$WHEELS"
"$PREFIX/bin/verve" --version
echo "Verve installed in $PREFIX (run: $PREFIX/bin/verve serve)"
