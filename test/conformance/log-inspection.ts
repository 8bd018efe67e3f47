/**
 * The parts of an expectation about the log rather than the rows: the table schema
 * (`deltaSchema`), `logInspection` (protocol, partition columns, configuration) and, for
 * negative tables, the exact error `expectError` names.
 */
import type { DeltaError } from '@delta-serverless/core';
import { TableNotFoundError, UnsupportedFeatureError, type Snapshot } from '@delta-serverless/core';
import { schemaToString } from '@delta-serverless/core/internal';

/** JSON with object keys sorted, so two values compare regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Differences between the snapshot and `deltaSchema`; undefined when they agree. */
export function checkDeltaSchema(snap: Snapshot, deltaSchema: unknown): string | undefined {
  // The schema as we understood it, written back in the protocol's JSON form.
  const ours: unknown = JSON.parse(schemaToString(snap.schema));
  return same(ours, deltaSchema) ? undefined : `schema ${canonical(ours).slice(0, 400)}`;
}

export interface LogInspection {
  protocol?: Record<string, unknown> | null;
  partitionColumns?: string[];
  configuration?: Record<string, string>;
}

/** Differences between the snapshot and `logInspection`'s protocol, partition columns and configuration. */
export function checkLogInspection(snap: Snapshot, log: LogInspection): string | undefined {
  const problems: string[] = [];
  // A protocol read from a checkpoint has null feature lists where a commit has none.
  const dropNulls = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));
  if (log.protocol && !same(dropNulls(snap.protocol), dropNulls(log.protocol)))
    problems.push(`protocol ${canonical(snap.protocol)}, expected ${canonical(log.protocol)}`);
  if (log.partitionColumns && !same(snap.partitionColumns, log.partitionColumns))
    problems.push(
      `partitionColumns ${JSON.stringify(snap.partitionColumns)}, expected ${JSON.stringify(log.partitionColumns)}`,
    );
  if (log.configuration && !same(snap.properties, log.configuration))
    problems.push(`configuration ${canonical(snap.properties)}, expected ${canonical(log.configuration)}`);
  return problems.length ? problems.join('; ') : undefined;
}

/**
 * Every `expectError` of the corpus, as the error class and message fragment it means. A new
 * negative table must be added here: an unmapped expectation fails rather than accepting any error.
 */
const EXPECTED_ERRORS: Record<string, { cls: abstract new (...a: never[]) => DeltaError; fragment: string }> = {
  'unsupported protocol (minReaderVersion=99)': { cls: UnsupportedFeatureError, fragment: 'minReaderVersion=99' },
  'DELTA_TABLE_NOT_FOUND (no _delta_log)': { cls: TableNotFoundError, fragment: '_delta_log' },
};

/** Why `err` is not the error `expectError` names; undefined when it is. */
export function checkExpectedError(expectError: string, err: unknown): string | undefined {
  const want = EXPECTED_ERRORS[expectError];
  if (!want) return `expectError "${expectError}" is not mapped to an error class in log-inspection.ts`;
  if (!(err instanceof want.cls))
    return `expected ${want.cls.name} (${expectError}), got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
  if (!err.message.includes(want.fragment))
    return `expected a message with "${want.fragment}", got: ${err.message.split('\n')[0]}`;
  return undefined;
}
