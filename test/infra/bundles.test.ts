/**
 * The Lambda bundles of scripts/bundle-lambdas.ts, each loaded in a fresh Node process from a
 * directory outside the repository (no node_modules to fall back on). Handlers that are not
 * written yet are skipped and listed; a probe entry bundled the same way proves parquet-wasm
 * works from a bundle (it writes and reads a Delta table).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { sampleParquet, trappingFlip } from '../../packages/core/test/support/parquet-damage.js';
import { bundleLambda, defaultEntries, REPO_ROOT, type BundleResult } from '../../scripts/bundle-lambdas.js';

const run = promisify(execFile);
const PROBE = { name: 'parquet-probe', entry: 'test/infra/fixtures/parquet-probe.ts' };

// Engine settings as deployed, with fake credentials: nothing may need AWS to initialise.
const ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_S3_LOCKING_PROVIDER: 'dynamodb',
  DELTA_DYNAMO_TABLE_NAME: 'locks',
  DELTA_INGEST_ROUTES: JSON.stringify([
    { prefix: 's3://ds-data/landing/events/', table: 's3://ds-data/tables/events' },
  ]),
  DELTA_MAINTENANCE_TABLES: JSON.stringify([{ table: 's3://ds-data/tables/events' }]),
  DELTA_OPTIMIZE_WORKER_FUNCTION: 'optimize-worker',
};

let out: string;
let built: BundleResult[];
let missing: string[];
const failures: string[] = [];

/** Import `file` in a fresh `node` and evaluate `body` (an async function body; `m` is the module). */
async function inFreshNode(file: string, body: string, env: Record<string, string> = {}): Promise<unknown> {
  // The result goes on the last stdout line (handlers may log JSON lines before it).
  const code = `const m = await import(process.argv[1]); const r = await (async () => { ${body} })(); console.log(JSON.stringify(r));`;
  const { stdout } = await run(
    process.execPath,
    ['--no-warnings', '--input-type=module', '-e', code, pathToFileURL(file).href],
    {
      cwd: tmpdir(),
      // No AWS: the handlers must initialise without credentials or endpoints.
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', ...env },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'ds-bundles-'));
  built = [];
  missing = [];
  // One by one, so a handler that does not build yet does not hide the others' results.
  for (const entry of [...defaultEntries(), PROBE]) {
    if (!existsSync(join(REPO_ROOT, entry.entry))) missing.push(entry.name);
    else
      await bundleLambda(entry, out).then(
        (b) => built.push(b),
        (err: unknown) => failures.push(`${entry.name}: ${(err as Error).message}`),
      );
  }
  const sizes = built.map((b) => `${b.name} ${(b.bytes / 1024).toFixed(0)} KiB${b.wasmBytes ? ' + wasm' : ''}`);
  console.log(`bundles: ${sizes.join(', ')}${missing.length ? `; not written yet: ${missing.join(', ')}` : ''}`);
}, 180_000);

afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('lambda bundles', () => {
  it('builds every handler that exists, plus the probe', () => {
    expect(failures).toEqual([]);
    expect(built.map((b) => b.name)).toContain(PROBE.name);
    expect(built.length + missing.length).toBe(defaultEntries().length + 1);
  });

  it('leaves only Node builtins external', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const b of built) {
      for (const i of b.externalImports) expect(builtins.has(i), `${b.name} imports ${i}`).toBe(true);
    }
  });

  it('each handler bundle loads in a fresh node and exports a handler function', async () => {
    for (const b of built.filter((x) => x.name !== PROBE.name)) {
      const r = await inFreshNode(b.outFile, 'return { handler: typeof m.handler, exports: Object.keys(m) };', ENV);
      expect(r, b.name).toEqual({ handler: 'function', exports: ['handler'] });
      // Any handler that pulls in the engine's Parquet path ships the module beside it.
      if (b.wasmBytes !== undefined) expect(b.wasmBytes).toBeGreaterThan(1_000_000);
      // No source map is deployed (Node would parse it at every cold start with --enable-source-maps).
      expect(existsSync(`${b.outFile}.map`), b.name).toBe(false);
    }
  });

  it("the ingest bundle initialises and answers S3's test event with an empty partial-batch response", async () => {
    const ingest = built.find((b) => b.name === 'ingest');
    if (!ingest) return; // not written yet (reported in the log line above)
    const record = {
      messageId: 'm1',
      receiptHandle: 'r1',
      body: JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'ds-data' }),
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:ingest',
      awsRegion: 'us-east-1',
    };
    const context = '{ functionName: "ingest", awsRequestId: "a1", getRemainingTimeInMillis: () => 60000 }';
    const r = await inFreshNode(
      ingest.outFile,
      `return await m.handler({ Records: [${JSON.stringify(record)}] }, ${context});`,
      ENV,
    );
    expect(r).toEqual({ batchItemFailures: [] });
  });

  it('parquet-wasm works from a bundle: the probe writes and reads a Delta table', async () => {
    const probe = built.find((b) => b.name === PROBE.name)!;
    expect(probe.wasmBytes).toBeGreaterThan(1_000_000);
    expect(existsSync(join(dirname(probe.outFile), 'parquet_wasm.mjs'))).toBe(true); // the glue, per instance
    const dir = join(out, 'probe-table');
    const r = await inFreshNode(probe.outFile, `return await m.handler({ dir: ${JSON.stringify(dir)} });`);
    expect(r).toEqual({ rows: 3, sum: '42' });
  });

  it('from a bundle, a damaged file is a CorruptDataFileError and the trapped instance is replaced', async () => {
    const probe = built.find((b) => b.name === PROBE.name)!;
    const damaged = join(out, 'damaged.parquet');
    await writeFile(damaged, await trappingFlip(await sampleParquet(5_000)));
    const dir = join(out, 'probe-after-trap');
    const r = await inFreshNode(
      probe.outFile,
      `return await m.handler({ dir: ${JSON.stringify(dir)}, damaged: ${JSON.stringify(damaged)} });`,
    );
    expect(r).toEqual({ rows: 3, sum: '42', damaged: 'CorruptDataFileError' });
  });

  it('without the .wasm beside it the same bundle fails (the copy is what makes it work)', async () => {
    const probe = built.find((b) => b.name === PROBE.name)!;
    const bare = await mkdtemp(join(out, 'bare-'));
    await copyFile(probe.outFile, join(bare, 'index.mjs'));
    const dir = join(out, 'bare-table');
    // The error comes back as a value: on an uncaught error Node prints the (minified, huge) source
    // line first and may exit before the message itself reaches stderr.
    const r = await inFreshNode(
      join(bare, 'index.mjs'),
      `try { return await m.handler({ dir: ${JSON.stringify(dir)} }); } catch (e) { return { error: String(e?.message) }; }`,
    );
    expect((r as { error?: string }).error).toMatch(/parquet_wasm_bg\.wasm/);
  });
});
