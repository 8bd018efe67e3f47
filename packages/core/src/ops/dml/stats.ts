/**
 * Statistics of a file that gets a deletion vector: the same JSON with `tightBounds` false
 * (the bounds still cover the deleted rows, as Spark's updateStatsToWideBounds says), and
 * `numRecords` present (the protocol requires it for files with DVs; read from the footer
 * when the log has none).
 */
import type { AddFile } from '../../protocol/actions.js';
import { parseStatsJson } from '../../protocol/stats-json.js';
import { locateFile } from '../../read/locate.js';
import type { Engine } from '../../engine/engine.js';

/** Rows physically in the file (its stats' numRecords, else the Parquet footer's count). */
export async function physicalRowCount(engine: Engine, add: AddFile): Promise<number> {
  const n = add.stats ? parseStatsJson(add.stats)?.numRecords : undefined;
  if (typeof n === 'number') return n;
  const loc = locateFile(engine.store, add.path);
  const reader = await engine.parquet.open(loc.store, loc.key, { size: Number(add.size) || undefined });
  try {
    return reader.metadata.rowGroups.reduce((s, g) => s + g.numRows, 0);
  } finally {
    reader.close();
  }
}

/** The stats JSON of `add` with `"tightBounds":false` (text edited, so long values keep every digit). */
export function wideStats(stats: string | null | undefined, numRecords: number): string {
  if (!stats || !/"numRecords"\s*:/.test(stats)) return `{"numRecords":${numRecords},"tightBounds":false}`;
  if (/"tightBounds"\s*:\s*(true|false)/.test(stats))
    return stats.replace(/"tightBounds"\s*:\s*true/, '"tightBounds":false');
  const end = stats.lastIndexOf('}');
  return `${stats.slice(0, end)},"tightBounds":false}`;
}
