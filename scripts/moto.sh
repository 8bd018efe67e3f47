#!/usr/bin/env bash
# moto's server is the Glue API of the catalog tests (test/services/moto.ts starts it).
#
#   scripts/moto.sh check     python3 can run moto's server (moto 5.2.1 with Flask); exit 1 says how to get it
#   scripts/moto.sh install   pip install "moto[server]==5.2.1" (needs PyPI)
#   scripts/moto.sh ensure    check, else install, else fail with the instructions
#
# DS_TEST_PYTHON names another interpreter (a venv's python3).
set -euo pipefail

PY="${DS_TEST_PYTHON:-python3}"
VERSION="5.2.1"

hint() {
  cat >&2 <<MSG
moto.sh: the Glue catalog tests need moto's server: Python 3 with moto ${VERSION} and Flask.
  pip install "moto[server]==${VERSION}"          (or: scripts/moto.sh install)
  or run it in Docker: docker compose up -d moto, then
  DS_TEST_TIER=external AWS_ENDPOINT_URL_GLUE=http://127.0.0.1:5000 ... (test/services/README.md)
MSG
}

check() {
  local out
  if ! command -v "$PY" >/dev/null 2>&1; then
    echo "moto.sh: no $PY on PATH" >&2
    return 1
  fi
  if ! out=$("$PY" -c 'import importlib.metadata as m, flask, moto.server; print(m.version("moto"))' 2>&1); then
    echo "moto.sh: $PY cannot import moto's server: ${out##*$'\n'}" >&2
    return 1
  fi
  if [ "$out" != "$VERSION" ]; then
    echo "moto.sh: moto $out found; the tests are pinned to moto $VERSION (other versions may answer differently)" >&2
  fi
  echo "moto.sh: moto $out with Flask is available to $PY"
}

install() {
  "$PY" -m pip install --quiet "moto[server]==${VERSION}"
}

case "${1:-}" in
  check)
    check || { hint; exit 1; } ;;
  install)
    install ;;
  ensure)
    check && exit 0
    echo "moto.sh: installing moto ${VERSION} with pip" >&2
    if ! install; then
      echo "moto.sh: pip could not install moto (no PyPI access?)" >&2
      hint
      exit 1
    fi
    check || { hint; exit 1; } ;;
  *)
    echo "usage: scripts/moto.sh check|install|ensure" >&2
    exit 2 ;;
esac
