import { defineConfig } from 'vitest/config';

// Tests import workspace packages from their TypeScript sources (the `source` export
// condition), so `pnpm test` needs no build step. Two projects: `core` (no services) and
// `aws`, whose globalSetup starts the S3/SQS/DynamoDB servers of the tier in DS_TEST_TIER
// (embedded by default; see test/services/README.md).
// Only conditions Node itself honours: vitest hands them to Node for external packages, and
// 'import'/'module' there break CommonJS packages (big.js) and the AWS SDK's ESM build.
const conditions = ['source', 'node'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Node 20 is supported here; the AWS SDK's notice that its 2027 releases need Node 22 would
    // otherwise print once per test file.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/aws/**', 'test/services/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'aws',
          include: ['test/aws/**/*.test.ts', 'test/services/**/*.test.ts'],
          globalSetup: ['test/services/global-setup.ts'],
        },
      },
    ],
  },
});
