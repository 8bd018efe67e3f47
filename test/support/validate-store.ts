/**
 * The independent validator for tables that are not in a local directory (in-memory stores,
 * S3 through the engine's store): every object under the store's root is copied to a fresh
 * temp directory, which `validateTable` then reads with its own code. Only `list` and `get`
 * of the store are used, so what is validated is exactly what a reader of the store sees.
 * (S3 tests that can use an independent client download with it instead: `validateS3Table` in
 * test/aws/fixtures/s3-tables.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assertValidTable, type ValidateOptions, type ValidationReport } from './validate-table.js';

/** What is read of an ObjectStore (structural, so any package's store type fits). */
export interface ListGetStore {
  list(prefix: string, options?: { recursive?: boolean }): AsyncIterable<{ path: string }>;
  get(path: string): Promise<Uint8Array>;
}

/** Copy every object of `store` into `dir` (created); returns the number of objects. */
export async function downloadStore(store: ListGetStore, dir: string): Promise<number> {
  const keys: string[] = [];
  for await (const meta of store.list('', { recursive: true })) keys.push(meta.path);
  const queue = [...keys];
  const worker = async () => {
    for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
      const target = path.join(dir, ...key.split('/'));
      if (!target.startsWith(dir + path.sep)) throw new Error(`store key ${key} escapes the download directory`);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, await store.get(key));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return keys.length;
}

/**
 * Validates the table at the root of `store` (see validateTable) and throws
 * InvalidDeltaTableError listing every problem; the temp copy is removed afterwards.
 */
export async function assertValidStoreTable(
  store: ListGetStore,
  options: ValidateOptions & { failOnWarnings?: boolean } = {},
): Promise<ValidationReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ds-validate-store-'));
  try {
    await downloadStore(store, dir);
    return await assertValidTable(dir, options);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
