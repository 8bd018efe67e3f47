/**
 * The scale benchmark's table, as a pure function of (files, version): a deterministic,
 * seeded model of a busy append table with DML rewrites, so any commit and the reconciled
 * state at any version can be produced without replaying the log.
 *
 * - Version 0 creates the table (protocol 1/2, partitioned by `date`, `region`; 10 data
 *   columns, all with stats). Commits 1..LAST append: together exactly `files` files by LAST,
 *   and keep appending at the same rate after it (the refresh commits).
 * - Every 10th commit v is an UPDATE-like rewrite: each file with id % 25 == 0 appended by
 *   commits v-19..v-10 is removed and re-added under a new path (4% of files rewritten; the
 *   file count is unchanged).
 * - Every commit carries a txn (8 application ids, like ingest writers) and a commitInfo.
 * - Commit v is stamped BASE_TIME + v * STEP_MS (20 minutes: 3,000 commits span ~42 days).
 * Data files do not exist: only the log is written.
 */

/** Commits 1..LAST_VERSION append the table's files (3,000 commits + version 0). */
export const LAST_VERSION = 3000;
/** The log's checkpoint the generated table starts from (10 JSON commits after it). */
export const START_CHECKPOINT = 2990;
/** JSON commits kept before START_CHECKPOINT (what log cleanup finds expired). */
export const KEPT_BEFORE_CHECKPOINT = 100;
export const BASE_TIME = Date.UTC(2026, 0, 1);
export const STEP_MS = 20 * 60_000;
const REWRITE_EVERY = 10;
const REWRITE_MOD = 25;
const APPS = 8;
const SEED = 0x5ca1e;

export const timeOf = (v: number): number => BASE_TIME + v * STEP_MS;

const DATA_COLUMNS: [string, string][] = [
  ['id', 'long'],
  ['value', 'double'],
  ['qty', 'long'],
  ['user', 'string'],
  ['kind', 'string'],
  ['ok', 'boolean'],
  ['score', 'double'],
  ['ref', 'long'],
  ['note', 'string'],
  ['amount', 'double'],
];
export const PARTITION_COLUMNS = ['date', 'region'];
const REGIONS = ['us-east', 'us-west', 'eu-west', 'ap-south'];

export const SCHEMA_STRING = JSON.stringify({
  type: 'struct',
  fields: [...PARTITION_COLUMNS.map((n) => [n, 'string'] as [string, string]), ...DATA_COLUMNS].map(([name, type]) => ({
    name,
    type,
    nullable: true,
    metadata: {},
  })),
});

export const PROTOCOL = { minReaderVersion: 1, minWriterVersion: 2 };
export const METADATA = {
  id: '5ca1e000-0000-4000-8000-000000000017',
  format: { provider: 'parquet', options: {} },
  schemaString: SCHEMA_STRING,
  partitionColumns: PARTITION_COLUMNS,
  configuration: { 'delta.setTransactionRetentionDuration': 'interval 30 days' },
  createdTime: BASE_TIME,
};

/** mulberry32 of (seed, id): a random-access deterministic stream per file. */
function rng(id: number): () => number {
  let a = (SEED ^ Math.imul(id + 1, 0x9e3779b1)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class ScaleLog {
  constructor(readonly files: number) {}

  /** First file id appended by commit v (v >= 1); lo(LAST_VERSION + 1) === files. */
  lo(v: number): number {
    return Math.floor(((v - 1) * this.files) / LAST_VERSION);
  }

  /** The commit that appended file `id`. */
  addedAt(id: number): number {
    let v = Math.floor((id * LAST_VERSION) / this.files) + 1;
    while (this.lo(v + 1) <= id) v++;
    while (this.lo(v) > id) v--;
    return v;
  }

  isRewriteCommit(v: number): boolean {
    return v > REWRITE_EVERY && v % REWRITE_EVERY === 0;
  }

  /** Version at which `id` is rewritten (undefined: never): the first rewrite commit >= 10 commits after its append. */
  rewrittenAt(id: number): number | undefined {
    if (id % REWRITE_MOD !== 0) return undefined;
    return Math.ceil((this.addedAt(id) + REWRITE_EVERY) / REWRITE_EVERY) * REWRITE_EVERY;
  }

  path(id: number, rewriteVersion?: number): string {
    const v = this.addedAt(id);
    const day = new Date(timeOf(v)).toISOString().slice(0, 10);
    const suffix = rewriteVersion === undefined ? '' : `-r${rewriteVersion}`;
    return `date=${day}/region=${REGIONS[id % REGIONS.length]}/part-${String(id).padStart(8, '0')}${suffix}-c000.snappy.parquet`;
  }

  /** The add action of file `id` (rewritten at `rewriteVersion`, if given). */
  add(id: number, rewriteVersion?: number): Record<string, unknown> {
    const r = rng(id);
    const v = rewriteVersion ?? this.addedAt(id);
    const rows = 1000 + Math.floor(r() * 200_000);
    const minId = id * 1_000_000;
    const f = (x: number) => Math.round(x * 100) / 100;
    const lowV = f(r() * 1000 - 500);
    const stats = {
      numRecords: rows,
      minValues: { id: minId, value: lowV, qty: 0, user: `u${Math.floor(r() * 9000)}`, kind: 'buy' },
      maxValues: {
        id: minId + rows - 1,
        value: f(lowV + r() * 500),
        qty: Math.floor(r() * 1e6),
        user: 'u9999',
        kind: 'view',
      },
      nullCount: {
        id: 0,
        value: 0,
        qty: 0,
        user: 0,
        kind: 0,
        ok: 0,
        score: 0,
        ref: 0,
        note: Math.floor(rows / 5),
        amount: 0,
      },
    };
    Object.assign(stats.minValues, { score: f(r()), ref: Math.floor(r() * 1e9), note: 'a', amount: 0.01 });
    Object.assign(stats.maxValues, { score: f(1 + r()), ref: 2e9 + Math.floor(r() * 1e9), note: 'zz', amount: 1e6 });
    const [date, region] = this.partition(id);
    return {
      path: this.path(id, rewriteVersion),
      partitionValues: { date, region },
      size: 50_000 + Math.floor(r() * 200_000_000),
      modificationTime: timeOf(v),
      dataChange: true,
      stats: JSON.stringify(stats),
    };
  }

  partition(id: number): [string, string] {
    return [new Date(timeOf(this.addedAt(id))).toISOString().slice(0, 10), REGIONS[id % REGIONS.length]!];
  }

  remove(id: number, v: number): Record<string, unknown> {
    const [date, region] = this.partition(id);
    return {
      path: this.path(id),
      deletionTimestamp: timeOf(v),
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: { date, region },
      size: this.add(id).size,
    };
  }

  txn(v: number): { appId: string; version: number; lastUpdated: number } {
    return { appId: `ingest-${v % APPS}`, version: v, lastUpdated: timeOf(v) };
  }

  /** The commit file of version v (NDJSON text). */
  commit(v: number): string {
    if (v === 0) {
      const info = { timestamp: BASE_TIME, operation: 'CREATE TABLE', operationParameters: {}, engineInfo: 'bench' };
      return (
        [{ commitInfo: info }, { protocol: PROTOCOL }, { metaData: METADATA }]
          .map((a) => JSON.stringify(a))
          .join('\n') + '\n'
      );
    }
    const rewrite = this.isRewriteCommit(v);
    const info = {
      timestamp: timeOf(v),
      operation: rewrite ? 'UPDATE' : 'WRITE',
      operationParameters: rewrite ? { predicate: '["(kind = \'buy\')"]' } : { mode: 'Append' },
      readVersion: v - 1,
      isBlindAppend: !rewrite,
      engineInfo: 'bench',
    };
    const lines = [JSON.stringify({ commitInfo: info }), JSON.stringify({ txn: this.txn(v) })];
    for (let id = this.lo(v); id < this.lo(v + 1); id++) lines.push(JSON.stringify({ add: this.add(id) }));
    if (rewrite) {
      // Files appended by commits v-19..v-10 with id % 25 == 0 (rewrittenAt(id) === v).
      const first = this.lo(Math.max(1, v - 2 * REWRITE_EVERY + 1));
      const end = this.lo(v - REWRITE_EVERY + 1);
      for (let id = Math.ceil(first / REWRITE_MOD) * REWRITE_MOD; id < end; id += REWRITE_MOD) {
        lines.push(JSON.stringify({ remove: this.remove(id, v) }));
        lines.push(JSON.stringify({ add: this.add(id, v) }));
      }
    }
    return lines.join('\n') + '\n';
  }

  /**
   * A small ingest-like commit at version v (commitInfo, txn, `adds` new 10-row files under
   * `ingest/`): what the ingest Lambda commits, whatever the table's size.
   */
  smallCommit(v: number, adds = 2): string {
    const info = {
      timestamp: timeOf(v),
      operation: 'WRITE',
      operationParameters: { mode: 'Append' },
      readVersion: v - 1,
      isBlindAppend: true,
      engineInfo: 'bench',
    };
    const lines = [JSON.stringify({ commitInfo: info }), JSON.stringify({ txn: this.txn(v) })];
    for (let k = 0; k < adds; k++) {
      const add = { ...this.add(k), path: `ingest/v${v}-${k}-c000.snappy.parquet`, modificationTime: timeOf(v) };
      lines.push(JSON.stringify({ add }));
    }
    return lines.join('\n') + '\n';
  }

  /** Active files at version `version`, in id order. */
  *activeFiles(version: number): Generator<Record<string, unknown>> {
    const end = this.lo(version + 1);
    for (let id = 0; id < end; id++) {
      const w = this.rewrittenAt(id);
      yield this.add(id, w !== undefined && w <= version ? w : undefined);
    }
  }

  /** Tombstones at `version` (the writer drops the expired ones). */
  *tombstones(version: number): Generator<Record<string, unknown>> {
    const end = this.lo(version + 1);
    for (let id = 0; id < end; id += REWRITE_MOD) {
      const w = this.rewrittenAt(id);
      if (w !== undefined && w <= version) yield this.remove(id, w);
    }
  }

  /** The newest txn per application id at `version`. */
  txns(version: number): Map<string, ReturnType<ScaleLog['txn']>> {
    const out = new Map<string, ReturnType<ScaleLog['txn']>>();
    for (let v = Math.max(1, version - APPS + 1); v <= version; v++) out.set(this.txn(v).appId, this.txn(v));
    return out;
  }

  /** Active file count at `version` (rewrites keep the count). */
  fileCount(version: number): number {
    return this.lo(version + 1);
  }
}
