#!/usr/bin/env bash
# The bundle and Lambda handler tests on Node 22, the runtime the functions deploy with
# (nodejs22.x), while the rest of the suite runs on the machine's Node 20. Node 22 comes from
# the npm registry (the `node` package), pinned here, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE22=(npx -y node@22.23.3)
"${NODE22[@]}" -e 'if (!process.version.startsWith("v22.")) { console.error(`expected Node 22, got ${process.version}`); process.exit(1); } console.log(`Node ${process.version}`);'
exec "${NODE22[@]}" node_modules/vitest/vitest.mjs run \
  test/infra/bundles.test.ts \
  test/infra/cli-bundle.test.ts \
  test/aws/ingest-handler.test.ts \
  test/aws/ingest-deadline.test.ts \
  test/aws/ingest-exactly-once.test.ts \
  test/aws/config-object.test.ts \
  test/aws/maintenance-handler.test.ts \
  test/aws/maintenance-overlap.test.ts \
  test/aws/maintenance-deadline.test.ts \
  test/aws/iam-calls.test.ts \
  test/aws/pipeline-e2e.test.ts \
  "$@"
