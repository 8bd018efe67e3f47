/**
 * The scheduled maintenance of a list of tables: per table, a checkpoint when due, OPTIMIZE
 * (fanned out to workers when the plan is large), VACUUM and log cleanup, in that order.
 * Time-budget aware: no step starts once the deadline is near, OPTIMIZE gets the remaining
 * budget (it commits the bins done and leaves the rest), and the tables not reached are
 * reported as deferred. With leases, tables go least recently maintained first (the lease
 * log says when a run last took each one), so the next run starts with the deferred ones
 * even in a new container; without, a warm Lambda remembers where it stopped. A table whose
 * lease another run holds is left to that run (`busy`). One table's failure is recorded and
 * the others go on.
 */
import {
  DeltaTable,
  TableNotFoundError,
  type ObjectStore,
  type OptimizeResult,
  type Snapshot,
} from '@delta-serverless/core';
import { optimize, readLastCheckpoint, vacuum } from '@delta-serverless/core/internal';
import type { CatalogSyncer } from '../catalog-sync.js';
import { checkpointFanOut, checkpointParts, type CheckpointPartInvoker } from './checkpoint-parts.js';
import { optimizeFanOut, type FanOutOptions, type WorkerInvoker } from './fan-out.js';
import { acquireLease, lastLeaseTime } from './lease.js';
import type { OptimizePolicy, TablePolicy, VacuumPolicy } from './policy.js';

export interface StepReport {
  step: 'catalog' | 'checkpoint' | 'optimize' | 'vacuum' | 'cleanupLogs';
  /** What happened, for logs: "skipped: not due", "committed version 12", ... */
  outcome: string;
  ms: number;
  metrics?: Record<string, number>;
}

export interface TableReport {
  table: string;
  /**
   * `skipped`: no table at the URI yet (the first upload creates it); `busy`: another run
   * holds the table's lease.
   */
  status: 'ok' | 'failed' | 'deferred' | 'partial' | 'skipped' | 'busy';
  steps: StepReport[];
  error?: { name: string; message: string };
  /** With `busy`: who holds the lease, and until when (ISO time). */
  heldBy?: { owner: string; until: string };
}

export interface MaintenanceOptions {
  /** Opens a table's store (S3 with the configured coordinator, or local paths). */
  storeFor: (uri: string) => ObjectStore;
  /** Epoch ms by which everything must be finished (e.g. Lambda deadline minus a margin). */
  deadline: number;
  /** No step starts with less than this left (default 20 s). */
  minStepMs?: number;
  /** Fan OPTIMIZE out to workers (absent: bins run in this process). */
  invokeWorker?: WorkerInvoker;
  /**
   * Write large checkpoints in parts through workers (checkpoint-parts.ts): a table of more
   * than `checkpointFilesPerPart` files (default 250,000) gets one part per that many files.
   * Absent: one checkpoint file written in this process.
   */
  invokeCheckpointPart?: CheckpointPartInvoker;
  checkpointFilesPerPart?: number;
  /** A worker failed or missed the deadline; one that answers too late has its files deleted. */
  onWorkerError?: FanOutOptions['onWorkerError'];
  onLateWorker?: FanOutOptions['onLateWorker'];
  /** Clock for VACUUM and log cleanup (tests). */
  now?: () => number;
  /** Glue sync of tables whose policy has `catalog`. */
  syncCatalog?: CatalogSyncer;
  /** Start with the table at this index (the first one deferred last time). */
  startAt?: number;
  onStep?: (table: string, step: StepReport) => void;
  /**
   * Hold each table's lease while maintaining it (lease.ts): `owner` names this run,
   * `expiresAt` is when it can no longer be running (the invocation's hard end). Absent: no lease.
   */
  lease?: { owner: string; expiresAt: number };
}

export interface MaintenanceReport {
  tables: TableReport[];
  /** Index of the first table deferred (for the next run), or 0. */
  resumeAt: number;
}

const DEFAULT_MIN_STEP_MS = 20_000;
/** OPTIMIZE bins per run unless a policy says otherwise: bounds one run's work and commit size. */
export const DEFAULT_MAX_BINS = 64;

interface TableRun {
  policy: TablePolicy;
  opts: MaintenanceOptions;
  report: TableReport;
  table: DeltaTable;
  minStep: number;
  left: () => number;
  record: (s: StepReport) => void;
}

async function timed(
  step: StepReport['step'],
  fn: () => Promise<Omit<StepReport, 'step' | 'ms'>>,
): Promise<StepReport> {
  const started = Date.now();
  const r = await fn();
  return { step, ms: Date.now() - started, ...r };
}

function interval(snapshot: Snapshot): number {
  const n = Number(snapshot.properties['delta.checkpointInterval'] ?? 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

/** Glue registration in step with the log (one GetTable when nothing changed). */
function catalogStep(
  table: DeltaTable,
  catalog: NonNullable<TablePolicy['catalog']>,
  sync: CatalogSyncer,
): Promise<StepReport> {
  return timed('catalog', async () => {
    const r = await sync(table, catalog);
    const changes = r.changes.length > 0 ? `: ${r.changes.join(', ')}` : '';
    return { outcome: `${r.action} ${r.database}.${r.name} (version ${r.version})${changes}` };
  });
}

/** Open the table, take its lease, run its steps, release the lease. */
async function maintainTable(policy: TablePolicy, opts: MaintenanceOptions, report: TableReport): Promise<void> {
  const table = await DeltaTable.open(opts.storeFor(policy.table));
  const lease = opts.lease ? await acquireLease(table.store, opts.lease) : undefined;
  if (lease && !lease.acquired) {
    report.status = 'busy';
    if (lease.holder)
      report.heldBy = { owner: lease.holder.owner, until: new Date(lease.holder.expiresAt).toISOString() };
    return;
  }
  const run: TableRun = {
    policy,
    opts,
    report,
    table,
    minStep: opts.minStepMs ?? DEFAULT_MIN_STEP_MS,
    left: () => opts.deadline - Date.now(),
    record: (s) => {
      report.steps.push(s);
      opts.onStep?.(policy.table, s);
    },
  };
  try {
    if (policy.catalog && opts.syncCatalog) run.record(await catalogStep(table, policy.catalog, opts.syncCatalog));
    if (policy.checkpoint !== false) run.record(await checkpointStep(run));
    if (policy.optimize !== false && startable(run)) run.record(await optimizeStep(run, policy.optimize ?? {}));
    if (policy.vacuum !== false && startable(run)) run.record(await vacuumStep(run, policy.vacuum ?? {}));
    if (policy.cleanupLogs !== false && run.left() >= run.minStep) run.record(await cleanupStep(run));
  } finally {
    if (lease?.acquired) await lease.lease.release();
  }
}

/** A step may start; else the table is left `partial` for the next run. */
function startable(run: TableRun): boolean {
  if (run.left() >= run.minStep) return true;
  run.report.status = 'partial';
  return false;
}

function checkpointStep(run: TableRun): Promise<StepReport> {
  return timed('checkpoint', async () => {
    const snap = await run.table.refresh();
    const last = await readLastCheckpoint(run.table.store);
    const behind = snap.version - (last?.version ?? -1);
    if (snap.version === 0 || behind < interval(snap))
      return { outcome: `not due (${behind} versions since the last)` };
    const invoke = run.opts.invokeCheckpointPart;
    const parts = checkpointParts(snap.numFiles, run.opts.checkpointFilesPerPart);
    if (invoke && parts > 1) {
      const r = await checkpointFanOut(snap, {
        invoke,
        filesPerPart: run.opts.checkpointFilesPerPart,
        deadline: run.opts.deadline,
        ...(run.opts.now ? { now: run.opts.now() } : {}),
      });
      return { outcome: `checkpoint at version ${r.version} in ${r.parts} parts`, metrics: { parts: r.parts } };
    }
    const r = await run.table.checkpoint();
    return { outcome: `checkpoint at version ${r.version}` };
  });
}

function optimizeStep(run: TableRun, p: OptimizePolicy): Promise<StepReport> {
  return timed('optimize', async () => {
    const snap = await run.table.refresh();
    const base = {
      targetSize: p.targetSize,
      zOrderBy: p.zOrderBy,
      where: p.where,
      minFilesPerBin: p.minFilesPerBin,
      maxBins: p.maxBins ?? DEFAULT_MAX_BINS,
      timeBudgetMs: Math.max(0, run.left() - run.minStep),
    };
    const invoke = run.opts.invokeWorker;
    const r: OptimizeResult & { workers?: number; workersFailed?: number } = invoke
      ? await optimizeFanOut(snap, {
          ...base,
          invoke,
          binsPerWorker: p.binsPerWorker,
          maxWorkers: p.maxWorkers,
          minBinsToFanOut: p.fanOutMinBins ?? 4,
          onWorkerError: run.opts.onWorkerError,
          onLateWorker: run.opts.onLateWorker,
        })
      : await optimize(snap, base);
    if (r.partial) run.report.status = 'partial';
    const m = r.metrics;
    return {
      outcome: r.noop ? 'nothing to compact' : `committed version ${r.version}${r.partial ? ' (partial)' : ''}`,
      metrics: {
        numFilesRemoved: m.numFilesRemoved,
        numFilesAdded: m.numFilesAdded,
        numBins: m.numBins,
        binsNotRun: m.binsNotRun,
        ...(r.workers !== undefined ? { workers: r.workers, workersFailed: r.workersFailed ?? 0 } : {}),
      },
    };
  });
}

function vacuumStep(run: TableRun, v: VacuumPolicy): Promise<StepReport> {
  return timed('vacuum', async () => {
    const r = await vacuum(await run.table.refresh(), {
      retentionHours: v.retentionHours,
      mode: v.mode ?? 'lite',
      ...(run.opts.now ? { now: run.opts.now() } : {}),
    });
    return {
      outcome: `deleted ${r.numFilesDeleted} files`,
      metrics: { numFilesDeleted: r.numFilesDeleted, bytesDeleted: r.bytesDeleted },
    };
  });
}

function cleanupStep(run: TableRun): Promise<StepReport> {
  return timed('cleanupLogs', async () => {
    const r = await run.table.cleanupLogs(run.opts.now ? { now: run.opts.now() } : {});
    return { outcome: `deleted ${r.deleted.length} log files`, metrics: { logFilesDeleted: r.deleted.length } };
  });
}

/**
 * The order to visit the tables in: from `startAt` round, then (with leases) stably by when a
 * run last took each table's lease, never-maintained tables first. A table whose lease time
 * cannot be read keeps its place at the front (its own step reports the error).
 */
async function visitOrder(policies: readonly TablePolicy[], opts: MaintenanceOptions): Promise<number[]> {
  const n = policies.length;
  const start = n === 0 ? 0 : (opts.startAt ?? 0) % n;
  const rotated = Array.from({ length: n }, (_, i) => (start + i) % n);
  if (!opts.lease) return rotated;
  const last = await Promise.all(
    rotated.map((i) => lastLeaseTime(opts.storeFor(policies[i]!.table)).catch(() => undefined)),
  );
  const when = new Map(rotated.map((i, k) => [i, last[k] ?? -Infinity]));
  return [...rotated].sort((a, b) => (when.get(a)! === when.get(b)! ? 0 : when.get(a)! < when.get(b)! ? -1 : 1));
}

/** Maintain every table in turn, within the deadline. */
export async function runMaintenance(
  policies: readonly TablePolicy[],
  opts: MaintenanceOptions,
): Promise<MaintenanceReport> {
  const minStep = opts.minStepMs ?? DEFAULT_MIN_STEP_MS;
  const order = await visitOrder(policies, opts);
  const reports = new Map<number, TableReport>();
  let resumeAt: number | undefined;
  for (const i of order) {
    const policy = policies[i]!;
    const report: TableReport = { table: policy.table, status: 'ok', steps: [] };
    reports.set(i, report);
    if (opts.deadline - Date.now() < minStep) {
      report.status = 'deferred';
      resumeAt ??= i;
      continue;
    }
    try {
      await maintainTable(policy, opts, report);
      if (report.status === 'partial') resumeAt ??= i;
    } catch (err) {
      if (err instanceof TableNotFoundError && report.steps.length === 0) {
        report.status = 'skipped';
        continue;
      }
      report.status = 'failed';
      report.error =
        err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
    }
  }
  return { tables: order.map((i) => reports.get(i)!), resumeAt: resumeAt ?? 0 };
}
