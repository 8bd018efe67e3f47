#!/usr/bin/env bash
# Type-check sst.config.ts and infra/ against SST's generated platform types. `sst install`
# (npm registry only, no AWS) generates .sst/platform the first time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .sst/platform/config.d.ts ]; then
  SST_SKIP_DEPENDENCY_CHECK=true SST_NO_BUN=true SST_STAGE=ci SST_TELEMETRY_DISABLED=1 npx --no-install sst install
fi
npx --no-install tsc -p infra/tsconfig.json
