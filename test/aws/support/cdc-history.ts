/**
 * A seeded random history of a source table's changes (inserts, updates, deletes on a fixed
 * set of keys, one global sequence), the table's final state computed by plain replay (the
 * source of truth, no code of ours), and the history written as AWS DMS and Debezium change
 * files the way those tools lay them out.
 */
import { rng } from '../../dml/oracle-support.js';

export interface SourceRow {
  id: number;
  name: string;
  amount: number;
}

export interface Change {
  op: 'I' | 'U' | 'D';
  /** The row after the change (for D: the row deleted). */
  row: SourceRow;
  /** Position in the source's log, strictly increasing. */
  seq: number;
}

/** `n` changes on keys 0..keys-1; returns them and the final table (id -> row). */
export function randomHistory(
  seed: number,
  keys: number,
  n: number,
): { changes: Change[]; truth: Map<number, SourceRow> } {
  const next = rng(seed);
  const live = new Map<number, SourceRow>();
  const changes: Change[] = [];
  const value = (id: number): SourceRow => ({
    id,
    // Text that needs CSV quoting now and then.
    name: next() < 0.1 ? `name "${id}", v${Math.floor(next() * 1e6)}` : `name-${Math.floor(next() * 1e6)}`,
    amount: Math.floor(next() * 1e6) / 100 + 0.25,
  });
  for (let seq = 1; seq <= n; seq++) {
    const id = Math.floor(next() * keys);
    const held = live.get(id);
    if (!held) {
      const row = value(id);
      live.set(id, row);
      changes.push({ op: 'I', row, seq });
    } else if (next() < 0.7) {
      const row = value(id);
      live.set(id, row);
      changes.push({ op: 'U', row, seq });
    } else {
      live.delete(id);
      changes.push({ op: 'D', row: held, seq });
    }
  }
  return { changes, truth: live };
}

/** Consecutive runs of `min`..`max` changes (one change file each). */
export function splitRuns<T>(items: readonly T[], seed: number, min: number, max: number): T[][] {
  const next = rng(seed);
  const out: T[][] = [];
  for (let i = 0; i < items.length;) {
    const n = min + Math.floor(next() * (max - min + 1));
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

/** DMS's transaction sequence style: fixed-width digits, so text order is log order. */
export const dmsSequence = (seq: number): string => String(seq).padStart(35, '0');

const csvField = (v: string | number): string => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A DMS CDC file as CSV with a header (AddColumnName): `Op` first, the sequence column last. */
export function dmsCsv(changes: readonly Change[]): string {
  const lines = ['Op,id,name,amount,seq'];
  for (const c of changes)
    lines.push([c.op, c.row.id, c.row.name, c.row.amount, dmsSequence(c.seq)].map(csvField).join(','));
  return lines.join('\n') + '\n';
}

/** Debezium (PostgreSQL connector) events, one per line; `wrapped` adds Kafka Connect's {schema, payload}. */
export function debeziumLines(changes: readonly Change[], wrapped: boolean, seed: number): string {
  const next = rng(seed);
  return (
    changes
      .map((c) => {
        const source = {
          connector: 'postgresql',
          db: 'shop',
          table: 'orders',
          lsn: 1000 + c.seq * 8,
          ts_ms: 1_700_000_000_000 + c.seq,
        };
        // A delete's before image is the key alone (REPLICA IDENTITY DEFAULT) or the whole row (FULL).
        const before = c.op === 'D' ? (next() < 0.5 ? { id: c.row.id } : c.row) : null;
        const event = {
          before,
          after: c.op === 'D' ? null : c.row,
          source,
          op: c.op === 'D' ? 'd' : c.op === 'U' ? 'u' : next() < 0.2 ? 'r' : 'c',
          ts_ms: source.ts_ms + 5,
        };
        const line = JSON.stringify(wrapped ? { schema: { type: 'struct', optional: false }, payload: event } : event);
        // Kafka's tombstone after a delete, as sinks may write it.
        return c.op === 'D' && next() < 0.3 ? `${line}\nnull` : line;
      })
      .join('\n') + '\n'
  );
}
