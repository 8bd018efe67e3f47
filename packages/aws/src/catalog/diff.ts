/**
 * How a registered Glue table differs from the one a Delta version asks for, and the
 * TableInput that fixes it while keeping what other tools set (their parameters, serde
 * parameters, owner, retention). Pure.
 */
import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { glueLocation, LAST_COMMIT_TIMESTAMP, LAST_UPDATE_VERSION } from './table-input.js';

/** Parameters sync owns: written from the Delta log, removed when the log no longer has them. */
export function ownedParameter(key: string): boolean {
  return (
    key.startsWith('delta.') ||
    key.startsWith('spark.sql.sources.schema') ||
    ['EXTERNAL', 'table_type', 'spark.sql.sources.provider', 'spark.sql.partitionProvider', 'comment'].includes(key)
  );
}

/** Version bookkeeping, not table content: a change there alone is no reason to write. */
const BOOKKEEPING = new Set([LAST_UPDATE_VERSION, LAST_COMMIT_TIMESTAMP]);

/**
 * Columns compared without case in names and types: Delta column names are case-insensitive,
 * and a catalog that folds them (as Hive metastores do) must not make every sync an update.
 */
function columnsText(cols: readonly Column[] | undefined): string {
  return JSON.stringify(
    (cols ?? []).map((c) => [(c.Name ?? '').toLowerCase(), (c.Type ?? '').toLowerCase(), c.Comment ?? '']),
  );
}

function parameterChanges(want: Record<string, string>, have: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(want)) if (!BOOKKEEPING.has(k) && have[k] !== v) out.push(`parameter ${k}`);
  for (const k of Object.keys(have))
    if (ownedParameter(k) && !BOOKKEEPING.has(k) && !(k in want)) out.push(`parameter ${k}`);
  return out;
}

/** What differs between the wanted TableInput and the Glue table (empty: in sync). */
export function tableDifferences(want: TableInput, have: Table): string[] {
  const out: string[] = [];
  const wsd = want.StorageDescriptor ?? {};
  const hsd = have.StorageDescriptor ?? {};
  if (have.TableType !== want.TableType) out.push('table type');
  if ((have.Description ?? '') !== (want.Description ?? '')) out.push('description');
  if ((have.PartitionKeys ?? []).length > 0) out.push('partition keys');
  if (columnsText(hsd.Columns) !== columnsText(wsd.Columns)) out.push('columns');
  if (hsd.Location !== wsd.Location) out.push('location');
  if (hsd.InputFormat !== wsd.InputFormat || hsd.OutputFormat !== wsd.OutputFormat) out.push('storage format');
  if (hsd.SerdeInfo?.SerializationLibrary !== wsd.SerdeInfo?.SerializationLibrary) out.push('serde');
  out.push(
    ...parameterChanges(wsd.SerdeInfo?.Parameters ?? {}, hsd.SerdeInfo?.Parameters ?? {}).map((p) => `serde ${p}`),
  );
  out.push(...parameterChanges(want.Parameters ?? {}, have.Parameters ?? {}));
  return out;
}

/** Keep the parameters we do not own, replace the ones we do. */
function mergeParameters(want: Record<string, string>, have: Record<string, string> | undefined) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(have ?? {})) if (!ownedParameter(k)) out[k] = v;
  return { ...out, ...want };
}

/** The UpdateTable input: the existing table with the Delta-derived parts replaced. */
export function mergedTableInput(want: TableInput, have: Table): TableInput {
  const hsd = have.StorageDescriptor ?? {};
  const wsd = want.StorageDescriptor ?? {};
  const serdeParams = { ...(hsd.SerdeInfo?.Parameters ?? {}), ...(wsd.SerdeInfo?.Parameters ?? {}) };
  return {
    Name: want.Name,
    ...(want.Description ? { Description: want.Description } : {}),
    ...(have.Owner ? { Owner: have.Owner } : {}),
    ...(have.Retention !== undefined ? { Retention: have.Retention } : {}),
    TableType: want.TableType,
    Parameters: mergeParameters(want.Parameters ?? {}, have.Parameters),
    PartitionKeys: [],
    StorageDescriptor: {
      ...hsd,
      ...wsd,
      SerdeInfo: { ...(hsd.SerdeInfo ?? {}), ...(wsd.SerdeInfo ?? {}), Parameters: serdeParams },
      Parameters: hsd.Parameters ?? wsd.Parameters ?? {},
    },
  };
}

/**
 * Why an existing Glue table is not this Delta table (undefined when it is): it must be a
 * Delta table whose serde `path` or location is the same root (a Spark registration's
 * `-__PLACEHOLDER__` location counts by its `path`).
 */
export function foreignTableReason(have: Table, location: string): string | undefined {
  const params = have.Parameters ?? {};
  const isDelta =
    params['spark.sql.sources.provider']?.toLowerCase() === 'delta' || params['table_type']?.toLowerCase() === 'delta';
  const sd = have.StorageDescriptor ?? {};
  const places = [sd.SerdeInfo?.Parameters?.['path'], sd.Location].filter((p): p is string => !!p).map(glueLocation);
  if (!isDelta) return `is not a Delta table (table_type ${params['table_type'] ?? 'unset'})`;
  if (!places.includes(location)) return `points at ${places[0] ?? 'no location'}, not ${location}`;
  return undefined;
}

/** Glue already holds a later version of this table (a concurrent sync won): leave it. */
export function glueIsNewer(have: Table, version: number, timestamp: number | undefined): boolean {
  const params = have.Parameters ?? {};
  const glueVersion = Number(params[LAST_UPDATE_VERSION]);
  if (!Number.isInteger(glueVersion) || glueVersion <= version) return false;
  const glueTs = Number(params[LAST_COMMIT_TIMESTAMP]);
  // A table deleted and re-created restarts at version 0: a later commit time wins (Delta's rule).
  return !(Number.isFinite(glueTs) && timestamp !== undefined && glueTs < timestamp);
}
