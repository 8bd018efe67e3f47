/**
 * Snapshot cache for warm Lambdas: one DeltaTable per table URI per process. A second
 * request in the same container refreshes incrementally (one LIST after the held version,
 * plus only the new commits) instead of loading the table again.
 */
import { DeltaTable, type OpenOptions } from '@delta-serverless/core';

const tables = new Map<string, Promise<DeltaTable>>();

/** The cached table for `uri`, refreshed to the latest version. */
export async function getTable(
  uri: string,
  options: Omit<OpenOptions, 'version' | 'timestamp'> = {},
): Promise<DeltaTable> {
  const key = uri.replace(/\/+$/, '');
  const cached = tables.get(key);
  if (cached) {
    try {
      const table = await cached;
      await table.refresh();
      return table;
    } catch {
      tables.delete(key); // a failed open or refresh is not cached
    }
  }
  const opening = DeltaTable.open(key, options);
  tables.set(key, opening);
  try {
    return await opening;
  } catch (err) {
    tables.delete(key);
    throw err;
  }
}

/** Forget cached tables (all, or one URI). */
export function clearTableCache(uri?: string): void {
  if (uri === undefined) tables.clear();
  else tables.delete(uri.replace(/\/+$/, ''));
}
