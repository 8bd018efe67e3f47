/**
 * Architecture rules, checked by `pnpm lint` (dependency-cruiser). Type-only imports count:
 * `tsPreCompilationDeps` reads the TypeScript before type imports are erased.
 *
 * Core's folders are layers, lowest first (docs/architecture.md says what each one owns). A
 * folder may import its own files and the layers below it, never one above: a circle between
 * folders needs at least one upward import, so these rules also forbid every folder circle.
 * `no-circular` forbids circles between files (inside a folder, or in any package).
 */
'use strict';

/** Core's layers, lowest first. `errors.ts` sits below all of them; `index.ts` and `internal.ts` on top. */
const CORE_LAYERS = [
  'util',
  'storage',
  'protocol',
  'expr',
  'arrow',
  'parquet',
  'engine',
  'formats',
  'log',
  'snapshot',
  'manifest',
  'read',
  'write',
  'transaction',
  'ops',
  'table',
];

const CORE = '^packages/core/src/';
const alternatives = (names) => `(${names.join('|')})`;

/** One rule per layer: nothing in it imports a layer above it. */
const layerRules = CORE_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `core-layer-${layer}`,
  comment:
    `packages/core/src/${layer}/ is layer ${i + 1} of ${CORE_LAYERS.length}: it may import only ` +
    `${['errors.ts', ...CORE_LAYERS.slice(0, i + 1)].join(', ')} (see docs/architecture.md)`,
  severity: 'error',
  from: { path: `${CORE}${layer}/` },
  to: { path: `${CORE}${alternatives([...CORE_LAYERS.slice(i + 1), 'index\\.ts', 'internal\\.ts'])}` },
}));

/** The packages, lowest first: each may import only the ones before it, by package name. */
const PACKAGES = ['core', 'aws', 'lambda', 'cli'];
const packageRules = PACKAGES.slice(0, -1).map((pkg, i) => ({
  name: `package-layer-${pkg}`,
  comment: `@delta-serverless/${pkg} must not depend on ${PACKAGES.slice(i + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^packages/${pkg}/src/` },
  to: { path: `^packages/${alternatives(PACKAGES.slice(i + 1))}/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a circle of imports (type imports included); break it by moving the shared part down a layer',
      severity: 'error',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'core-errors-at-the-bottom',
      comment: 'packages/core/src/errors.ts is below every layer and imports none of them',
      severity: 'error',
      from: { path: `${CORE}errors\\.ts$` },
      to: { path: CORE },
    },
    {
      name: 'core-folder-has-a-layer',
      comment:
        'every folder of packages/core/src must be one of the layers in .dependency-cruiser.cjs (CORE_LAYERS) ' +
        'and docs/architecture.md',
      severity: 'error',
      from: { path: CORE, pathNot: `${CORE}(${alternatives(CORE_LAYERS)}/|[^/]+\\.ts$)` },
      to: {},
    },
    ...packageRules,
    {
      name: 'packages-import-core-by-name',
      comment: "other packages use '@delta-serverless/core' or '@delta-serverless/core/internal', never core's files",
      severity: 'error',
      from: { path: '^packages/(aws|lambda|cli)/' },
      to: { path: '^packages/core/src/', pathNot: '^packages/core/src/(index|internal)\\.ts$' },
    },
    {
      name: 'no-tests-in-src',
      comment: 'source never imports tests or test support (they are not in the build)',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|^packages/[^/]+/test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|/dist/|\\.test\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.check.json' },
    // Workspace packages resolve to their TypeScript sources, as in the tests.
    enhancedResolveOptions: {
      conditionNames: ['source', 'import', 'node', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.js'],
    },
  },
};

// For test/architecture (not a dependency-cruiser option, so not enumerable).
Object.defineProperty(module.exports, 'CORE_LAYERS', { value: CORE_LAYERS, enumerable: false });
