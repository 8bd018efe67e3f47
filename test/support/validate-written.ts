/**
 * The independent validator on every table a test file writes, without a call in every test: wrap
 * the file's temp-dir factory, and after each test every Delta table in a dir it handed out (the
 * dir itself or a subdirectory, a few levels down) is validated. A dir holding no table (a write
 * that was refused before it created one) has nothing to check. `exempt` leaves out a table the
 * test damages on purpose; say why at the call.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach } from 'vitest';
import { assertValidTable, type ValidateOptions } from './validate-table.js';

export type ValidatedOptions = ValidateOptions & { failOnWarnings?: boolean };

/** Every directory at or under `dir` (to `depth` levels) that holds a `_delta_log` directory. */
export function tablesIn(dir: string, depth = 3): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  if (fs.existsSync(path.join(dir, '_delta_log'))) return [path.resolve(dir)];
  if (depth === 0) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => tablesIn(path.join(dir, e.name), depth - 1));
}

export interface ValidatedDirs<A extends unknown[]> {
  /** The wrapped factory: the dirs it returns are checked after the test. */
  dir: (...args: A) => string;
  /**
   * Leave the table at (or tables under) `dir` out of the check, or with `options` check it with
   * those instead (e.g. `checkData: false` for a table whose data file the test damaged on purpose,
   * so its log is still checked); `why` documents the reason at the call.
   */
  exempt: (dir: string, why: string, options?: ValidatedOptions) => void;
}

export function validatedDirs<A extends unknown[]>(
  make: (...args: A) => string,
  options: ValidatedOptions = { failOnWarnings: true },
): ValidatedDirs<A> {
  const pending: string[] = [];
  const exempted: { dir: string; options?: ValidatedOptions }[] = [];
  afterEach(async () => {
    const skip = exempted.splice(0);
    for (const table of pending.splice(0).flatMap((d) => tablesIn(d))) {
      const rule = skip.find((s) => table === s.dir || table.startsWith(s.dir + path.sep));
      if (rule === undefined) await assertValidTable(table, options);
      else if (rule.options !== undefined) await assertValidTable(table, rule.options);
    }
  });
  return {
    dir: (...args: A) => {
      const d = make(...args);
      pending.push(d);
      return d;
    },
    exempt: (dir: string, why: string, checkWith?: ValidatedOptions) => {
      if (why.trim() === '') throw new Error('exempt: say why the table is not validated');
      exempted.push({ dir: path.resolve(dir), options: checkWith });
    },
  };
}

/**
 * For a test file that puts all its tables under one `root`: validates every table under it
 * (once, in the file's afterAll), then removes `root` whether or not a table failed.
 */
export async function validateTablesThenRemove(root: string, options: ValidatedOptions = { failOnWarnings: true }) {
  try {
    for (const table of tablesIn(root)) await assertValidTable(table, options);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
