/**
 * The Lambda handlers and how their code is packaged (plain module: the bundler script, the
 * SST components and the tests share it).
 */
import type { Settings } from './config.js';

/** Handler source files (repository-relative); each exports `handler`. */
export const LAMBDA_ENTRIES = {
  ingest: 'packages/lambda/src/functions/ingest.ts',
  maintenance: 'packages/lambda/src/functions/maintenance.ts',
  'optimize-worker': 'packages/lambda/src/functions/optimize-worker.ts',
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

/** Where `pnpm bundle` writes `<name>/index.mjs` (inside dist/: ignored by git, eslint and prettier). */
export const BUNDLE_DIR = 'dist/lambda';

/** parquet-wasm version installed next to SST-bundled functions; equals packages/core's dependency (tested). */
export const PARQUET_WASM_VERSION = '0.8.0';

/** Lambda runtime and architecture of every function (the code stays Node 20 compatible). */
export const RUNTIME = 'nodejs22.x';
export const ARCHITECTURE = 'arm64';

/** The code-related arguments of an sst.aws.Function. */
export type FunctionCode =
  | {
      handler: string;
      nodejs: {
        format: 'esm';
        minify: boolean;
        sourcemap: boolean;
        install: Record<string, string>;
        esbuild: { conditions: string[] };
      };
    }
  | { handler: string; bundle: string };

/**
 * SST's own esbuild bundling, or (settings.prebuiltBundles) the directory `pnpm bundle` wrote,
 * which is what test/infra/bundles.test.ts loads and checks.
 */
export function functionCode(name: LambdaName, s: Settings): FunctionCode {
  if (s.prebuiltBundles) return { bundle: `${BUNDLE_DIR}/${name}`, handler: 'index.handler' };
  return {
    handler: LAMBDA_ENTRIES[name].replace(/\.ts$/, '.handler'),
    nodejs: {
      format: 'esm',
      minify: true,
      // No source maps: Node maps stack traces only with --enable-source-maps, which parses the
      // map at every cold start and maps every error's stack (the ingest bundle's first commit
      // came 1.55x later on Node 22: bench/RESULTS.md, section 8, ingest-sourcemaps).
      sourcemap: false,
      // packages/core compiles parquet-wasm's .wasm from the installed package when it is not
      // beside the bundle (core/src/parquet/wasm.ts), so the package ships installed.
      install: { 'parquet-wasm': PARQUET_WASM_VERSION },
      // Workspace packages bundle from their TypeScript sources (no `pnpm build` first).
      esbuild: { conditions: ['source'] },
    },
  };
}
