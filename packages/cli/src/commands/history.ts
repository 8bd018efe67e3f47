/** `history <table> [--limit N] [--json]`: the commits, newest first. */
import { DeltaTable, type HistoryEntry } from '@delta-serverless/core';
import { parseCount } from '@delta-serverless/core/internal';
import { openOptions, type CommonOptions } from './common.js';
import { formatCount } from '../output/format.js';
import { renderTable, type TableColumn } from '../output/table.js';

export interface HistoryCommandOptions extends CommonOptions {
  limit?: string;
  json?: boolean;
}

/** Operations whose numOutputRows counts rewritten rows, not rows the commit added. */
const REWRITES = new Set(['OPTIMIZE', 'DELETE', 'UPDATE', 'MERGE', 'RESTORE', 'REORG']);

function metric(m: Record<string, unknown> | undefined, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = m?.[k];
    if (v !== undefined && v !== null && v !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

function signed(parts: [string, number | undefined][]): string {
  return parts
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([sign, n]) => `${sign}${formatCount(n!)}`)
    .join(' ');
}

/** Rows the commit added (+), updated (~) and deleted (-), from its operationMetrics. */
export function rowChanges(e: HistoryEntry): string {
  const m = e.operationMetrics;
  const inserted =
    metric(m, 'numTargetRowsInserted') ?? (REWRITES.has(String(e.operation)) ? undefined : metric(m, 'numOutputRows'));
  return signed([
    ['+', inserted],
    ['~', metric(m, 'numUpdatedRows', 'numTargetRowsUpdated')],
    ['-', metric(m, 'numDeletedRows', 'numTargetRowsDeleted')],
  ]);
}

/** Files the commit added (+) and removed (-). */
export function fileChanges(e: HistoryEntry): string {
  const m = e.operationMetrics;
  return signed([
    ['+', metric(m, 'numFiles', 'numAddedFiles', 'numTargetFilesAdded', 'numRestoredFiles')],
    ['-', metric(m, 'numRemovedFiles', 'numTargetFilesRemoved')],
  ]);
}

/** A parameter value as text: JSON lists and objects unpacked (`[a, b]`, `{k=v}`), strings as they are. */
function paramValue(v: unknown): string | undefined {
  let value = v;
  if (typeof v === 'string' && /^[[{]/.test(v.trim())) {
    try {
      value = JSON.parse(v) as unknown;
    } catch {
      value = v;
    }
  }
  if (value === null || value === undefined || value === '') return undefined;
  if (Array.isArray(value))
    return value.length ? `[${value.map((x) => paramValue(x) ?? 'null').join(', ')}]` : undefined;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? `{${entries.map(([k, x]) => `${k}=${paramValue(x) ?? 'null'}`).join(', ')}}` : undefined;
  }
  return String(value);
}

/** operationParameters as `key=value` pairs, leaving out empty ones (`partitionBy=[]`). */
export function readableParameters(params: Record<string, unknown> | undefined): string {
  return Object.entries(params ?? {})
    .map(([k, v]) => [k, paramValue(v)] as const)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function utc(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, '');
}

const COLUMNS: TableColumn[] = [
  { header: 'version', align: 'right' },
  { header: 'timestamp (UTC)' },
  { header: 'operation' },
  { header: 'rows', align: 'right' },
  { header: 'files', align: 'right' },
  { header: 'parameters', maxWidth: 100 },
];

export async function historyCommand(
  uri: string,
  opts: HistoryCommandOptions,
  out: (s: string) => void,
): Promise<void> {
  const table = await DeltaTable.open(uri, openOptions(opts));
  const entries = await table.history({
    limit: opts.limit !== undefined ? parseCount(opts.limit, '--limit') : undefined,
  });
  if (opts.json) {
    for (const e of entries) out(JSON.stringify(e) + '\n');
    return;
  }
  const rows = entries.map((e) => [
    String(e.version),
    utc(e.timestamp),
    String(e.operation ?? ''),
    rowChanges(e),
    fileChanges(e),
    readableParameters(e.operationParameters),
  ]);
  for (const line of renderTable(COLUMNS, rows)) out(line + '\n');
}
