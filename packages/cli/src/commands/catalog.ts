/**
 * `catalog sync <table> --database DB [--name NAME] [--create-database]` and
 * `catalog show <table> --database DB [--name NAME]`: the table's Glue Data Catalog
 * registration (@delta-serverless/aws syncCatalog / describeCatalog).
 */
import {
  CatalogError,
  describeCatalog,
  syncCatalog,
  type CatalogStatus,
  type SyncCatalogResult,
} from '@delta-serverless/aws';
import { DeltaTable, InvalidArgumentError } from '@delta-serverless/core';
import { openOptions, type CommonOptions } from './common.js';

export interface CatalogCommandOptions extends CommonOptions {
  database: string;
  name?: string;
  catalogId?: string;
}

export interface CatalogSyncOptions extends CatalogCommandOptions {
  createDatabase?: boolean;
}

export interface CatalogShowOptions extends CatalogCommandOptions {
  json?: boolean;
}

/** Catalog errors say what to do with CLI flags instead of SDK option names. */
async function withCliWords<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CatalogError) throw new InvalidArgumentError(err.cliMessage);
    throw err;
  }
}

function describeSync(r: SyncCatalogResult): string {
  const table = `Glue table ${r.database}.${r.name}`;
  switch (r.action) {
    case 'created':
      return `${r.createdDatabase ? `created Glue database ${r.database}; ` : ''}created ${table} for ${r.location} (version ${r.version})`;
    case 'updated':
      return `updated ${table} to version ${r.version}: ${r.changes.join(', ')}`;
    case 'unchanged':
      return `${table} already matches version ${r.version}; nothing written`;
    case 'newer':
      return `${table} already describes a later version than ${r.version} (another writer synced it); left as it is`;
  }
}

export async function catalogSyncCommand(
  uri: string,
  opts: CatalogSyncOptions,
  out: (s: string) => void,
): Promise<void> {
  const { storageOptions } = openOptions(opts);
  const table = await DeltaTable.open(uri, { storageOptions });
  const r = await withCliWords(() =>
    syncCatalog(table, {
      database: opts.database,
      name: opts.name,
      catalogId: opts.catalogId,
      createDatabase: !!opts.createDatabase,
      storageOptions,
    }),
  );
  out(`${describeSync(r)}\n`);
}

function showText(s: CatalogStatus): string {
  const head = `Glue table ${s.database}.${s.name}`;
  if (!s.registered) return `${head}: not registered (run \`catalog sync\` to register version ${s.version})\n`;
  const g = s.glue!;
  const lines = [
    `${head}: ${s.inSync ? `in sync with version ${s.version}` : `out of sync with version ${s.version}: ${s.differences.join(', ')}`}`,
    `  location        ${g.location ?? '(none)'}`,
    `  table type      ${g.tableType ?? '(none)'} (table_type=${g.parameters['table_type'] ?? '-'}, provider=${g.parameters['spark.sql.sources.provider'] ?? '-'})`,
    `  last synced     ${g.lastSyncedVersion !== undefined ? `version ${g.lastSyncedVersion}` : 'unknown'}${g.updateTime ? ` at ${g.updateTime.toISOString()}` : ''}`,
    `  partition keys  ${g.partitionKeys.length > 0 ? g.partitionKeys.join(', ') : '(none)'}`,
    '  columns',
    ...g.columns.map((c) => `    ${c.name}  ${c.type}${c.comment ? `  -- ${c.comment}` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function catalogShowCommand(
  uri: string,
  opts: CatalogShowOptions,
  out: (s: string) => void,
): Promise<void> {
  const { storageOptions } = openOptions(opts);
  const table = await DeltaTable.open(uri, { storageOptions });
  const status = await withCliWords(() =>
    describeCatalog(table, { database: opts.database, name: opts.name, catalogId: opts.catalogId, storageOptions }),
  );
  out(opts.json ? `${JSON.stringify(status, null, 2)}\n` : showText(status));
}
