/**
 * warm-cache: reuse one DeltaTable per table across invocations of a warm Lambda container,
 * with `getTable` from @delta-serverless/aws.
 *
 *   { "kind": "click" }  -> { "cold": false, "version": 12, "newCommits": 1, "rows": 3400, "s3Requests": { "s3:ListObjectsV2": 1, ... } }
 *
 * What an invocation costs:
 * - Cold (first invocation of a container): module import (the engine + the AWS SDK; parquet-wasm
 *   is compiled on the first Parquet read/write), SDK clients and TLS connections, then the full
 *   snapshot load: LIST `_delta_log/`, read `_last_checkpoint`, the checkpoint and the commits after it.
 * - Warm: `getTable` finds the held table and calls `refresh()`: ONE LIST of `_delta_log/` starting
 *   after the held version, plus one GET per new commit (none when nothing changed). The
 *   snapshot state is updated in memory; nothing else is re-read. Connections are reused.
 * The response reports the S3 calls `getTable` made (from the shared clients' RequestCounter).
 *
 * Memory: the held snapshot (one entry per live data file, ~1 KB each with stats) stays in the
 * container. One table per URI per process; `clearTableCache(uri)` drops it.
 *
 * Configuration: TABLE_URI; AWS_* settings from the environment.
 */
import { clientsFor, getTable, resolveAwsConfig } from '@delta-serverless/aws';
import { col, type DeltaTable } from '@delta-serverless/core';

export interface WarmCacheEvent {
  /** Count only rows of this kind (optional). */
  kind?: string;
}

export interface WarmCacheResult {
  /** First invocation in this container for this table. */
  cold: boolean;
  version: number;
  /** Commits read by this invocation's refresh (the whole log on a cold start). */
  newCommits: number;
  rows: number;
  /** S3 calls of the snapshot open/refresh (`getTable`), by kind; the scan's data GETs are not counted. */
  s3Requests: Record<string, number>;
}

/** Build the handler. Module scope (outside the handler) is what survives between warm invocations. */
export function createWarmCacheHandler(opts: {
  tableUri: string;
}): (event: WarmCacheEvent) => Promise<WarmCacheResult> {
  // The same shared clients `s3://` stores use (one pair per configuration and process).
  const counter = clientsFor(resolveAwsConfig()).counter;
  let held: DeltaTable | undefined;

  return async (event) => {
    const before = counter.snapshot();
    const previousVersion = held?.version;
    const table = await getTable(opts.tableUri); // cold: open; warm: refresh (1 LIST + new commits)
    const after = counter.snapshot();
    const cold = held !== table; // getTable returns the same instance while the container lives
    held = table;

    let rows = 0;
    for await (const batch of table.scan({
      columns: ['id'],
      ...(event.kind !== undefined ? { filter: col('kind').eq(event.kind) } : {}),
    })) {
      rows += batch.numRows;
    }
    const s3Requests: Record<string, number> = {};
    for (const [k, n] of Object.entries(after)) if (n - (before[k] ?? 0) > 0) s3Requests[k] = n - (before[k] ?? 0);
    return {
      cold,
      version: table.version,
      newCommits: previousVersion === undefined || cold ? table.version + 1 : table.version - previousVersion,
      rows,
      s3Requests,
    };
  };
}

/** Lambda entry point (TABLE_URI from the environment). */
export const handler = (event: WarmCacheEvent): Promise<WarmCacheResult> =>
  (instance ??= createWarmCacheHandler({ tableUri: process.env['TABLE_URI'] ?? '' }))(event);
let instance: ((event: WarmCacheEvent) => Promise<WarmCacheResult>) | undefined;
