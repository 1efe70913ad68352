#!/usr/bin/env bash
# The core's C tests under ASan + UBSan + LSan (clang), and the leak check
# over create/use/destroy of every core object.  See docs/reliability.md.
set -euo pipefail
bash "$(dirname "$0")/../../scripts/sanitize.sh"
