/**
 * time-travel: a Lambda (direct invoke) that reads an `s3://` Delta table as of a version or a
 * timestamp, and returns the commit history.
 *
 *   { "version": 3 }                           -> rows as of version 3
 *   { "timestamp": "2024-05-01T12:00:00Z" }    -> rows as of the last commit at or before that time
 *   { "historyLimit": 5 }                      -> latest rows + the 5 newest history entries
 *
 * Time travel reads the log up to the chosen version (from the nearest checkpoint at or before
 * it), so old versions cost the same as the latest. They need the data files of that version:
 * VACUUM deletes files removed longer ago than its retention (7 days by default), and log
 * cleanup drops commits older than `delta.logRetentionDuration` (30 days), after which those
 * versions cannot be read.
 *
 * Configuration: TABLE_URI; AWS_* settings from the environment.
 */
import '@delta-serverless/aws';
import { batchToObjects, DeltaTable, SnapshotScan, type HistoryEntry, type JsonValue } from '@delta-serverless/core';

export interface TimeTravelEvent {
  version?: number;
  /** ISO-8601 string or epoch milliseconds. */
  timestamp?: string | number;
  historyLimit?: number;
}

export interface TimeTravelResult {
  /** The version that was read. */
  version: number;
  rows: Record<string, JsonValue>[];
  history: { version: number; timestamp: string; operation?: string }[];
}

/** Build the handler; the table handle is kept for the container's lifetime. */
export function createTimeTravelHandler(opts: {
  tableUri: string;
}): (event: TimeTravelEvent) => Promise<TimeTravelResult> {
  let table: Promise<DeltaTable> | undefined;

  return async (event) => {
    let t: DeltaTable;
    try {
      t = await (table ??= DeltaTable.open(opts.tableUri));
    } catch (err) {
      table = undefined;
      throw err;
    }
    // Time travel does not move the held snapshot: `load`/`snapshotAt` return another one.
    const tt =
      event.version !== undefined
        ? { version: event.version }
        : event.timestamp !== undefined
          ? { timestamp: event.timestamp }
          : undefined;
    const snapshot = tt ? await t.snapshotAt(tt) : await t.refresh();
    const data = await new SnapshotScan(snapshot).toArrow(); // scans the snapshot just resolved (no second log read)
    const rows = data.batches.flatMap((b) => batchToObjects(b, snapshot.schema));
    const history: HistoryEntry[] = await t.history({ limit: event.historyLimit ?? 10 });
    return {
      version: snapshot.version,
      rows,
      history: history.map((h) => ({
        version: h.version,
        timestamp: new Date(h.timestamp).toISOString(),
        operation: h.operation,
      })),
    };
  };
}

/** Lambda entry point (TABLE_URI from the environment). */
export const handler = (event: TimeTravelEvent): Promise<TimeTravelResult> =>
  (instance ??= createTimeTravelHandler({ tableUri: process.env['TABLE_URI'] ?? '' }))(event);
let instance: ((event: TimeTravelEvent) => Promise<TimeTravelResult>) | undefined;
