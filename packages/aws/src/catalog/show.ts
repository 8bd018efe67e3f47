/** describeCatalog: what Glue holds for a Delta table and whether a sync would change it. Reads only. */
import type { Table } from '@aws-sdk/client-glue';
import { describeSnapshot, resolveSnapshot } from './describe-source.js';
import { tableDifferences } from './diff.js';
import { getTable } from './glue-calls.js';
import { glueRef } from './sync.js';
import { buildTableInput, LAST_UPDATE_VERSION } from './table-input.js';
import type { CatalogStatus, CatalogTableSource, SyncCatalogOptions } from './types.js';

function glueView(t: Table): NonNullable<CatalogStatus['glue']> {
  const params = t.Parameters ?? {};
  const last = Number(params[LAST_UPDATE_VERSION]);
  return {
    location: t.StorageDescriptor?.Location,
    tableType: t.TableType,
    columns: (t.StorageDescriptor?.Columns ?? []).map((c) => ({
      name: c.Name ?? '',
      type: c.Type ?? '',
      ...(c.Comment ? { comment: c.Comment } : {}),
    })),
    partitionKeys: (t.PartitionKeys ?? []).map((k) => k.Name ?? ''),
    parameters: params,
    updateTime: t.UpdateTime,
    ...(Number.isInteger(last) ? { lastSyncedVersion: last } : {}),
  };
}

export async function describeCatalog(
  source: CatalogTableSource,
  opts: Omit<SyncCatalogOptions, 'createDatabase'>,
): Promise<CatalogStatus> {
  const description = describeSnapshot(await resolveSnapshot(source, opts));
  const ref = await glueRef(description, opts);
  const have = await getTable(ref);
  const base = { database: ref.database, name: ref.name, version: description.version };
  if (!have) return { ...base, registered: false, inSync: false, differences: ['table'] };
  const differences = tableDifferences(buildTableInput(ref.name, description), have);
  return { ...base, registered: true, inSync: differences.length === 0, differences, glue: glueView(have) };
}
