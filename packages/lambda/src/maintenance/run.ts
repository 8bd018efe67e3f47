/**
 * The scheduled maintenance of a list of tables: per table, a checkpoint when due, OPTIMIZE
 * (fanned out to workers when the plan is large), VACUUM and log cleanup, in that order.
 * Time-budget aware: no step starts once the deadline is near, OPTIMIZE gets the remaining
 * budget (it commits the bins done and leaves the rest), and the tables not reached are
 * reported as deferred; the next run starts with them (a warm Lambda remembers where it
 * stopped). One table's failure is recorded and the others go on.
 */
import {
  DeltaTable,
  TableNotFoundError,
  type ObjectStore,
  type OptimizeResult,
  type Snapshot,
} from '@delta-serverless/core';
import { optimize, readLastCheckpoint, vacuum } from '@delta-serverless/core/internal';
import { optimizeFanOut, type WorkerInvoker } from './fan-out.js';
import type { TablePolicy } from './policy.js';

export interface StepReport {
  step: 'checkpoint' | 'optimize' | 'vacuum' | 'cleanupLogs';
  /** What happened, for logs: "skipped: not due", "committed version 12", ... */
  outcome: string;
  ms: number;
  metrics?: Record<string, number>;
}

export interface TableReport {
  table: string;
  /** `skipped`: no table at the URI yet (the first upload creates it). */
  status: 'ok' | 'failed' | 'deferred' | 'partial' | 'skipped';
  steps: StepReport[];
  error?: { name: string; message: string };
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
  /** Clock for VACUUM and log cleanup (tests). */
  now?: () => number;
  /** Start with the table at this index (the first one deferred last time). */
  startAt?: number;
  onStep?: (table: string, step: StepReport) => void;
}

export interface MaintenanceReport {
  tables: TableReport[];
  /** Index of the first table deferred (for the next run), or 0. */
  resumeAt: number;
}

const DEFAULT_MIN_STEP_MS = 20_000;

function interval(snapshot: Snapshot): number {
  const n = Number(snapshot.properties['delta.checkpointInterval'] ?? 10);
  return Number.isInteger(n) && n > 0 ? n : 10;
}

async function timed(
  step: StepReport['step'],
  fn: () => Promise<Omit<StepReport, 'step' | 'ms'>>,
): Promise<StepReport> {
  const started = Date.now();
  const r = await fn();
  return { step, ms: Date.now() - started, ...r };
}

// eslint-disable-next-line max-lines-per-function -- split by #18's restructure of packages/lambda (lands next)
async function maintainTable(policy: TablePolicy, opts: MaintenanceOptions, report: TableReport): Promise<void> {
  const minStep = opts.minStepMs ?? DEFAULT_MIN_STEP_MS;
  const left = () => opts.deadline - Date.now();
  const record = (s: StepReport) => {
    report.steps.push(s);
    opts.onStep?.(policy.table, s);
  };
  const table = await DeltaTable.open(opts.storeFor(policy.table));

  if (policy.checkpoint !== false) {
    record(
      await timed('checkpoint', async () => {
        const snap = await table.refresh();
        const last = await readLastCheckpoint(table.store);
        const behind = snap.version - (last?.version ?? -1);
        if (snap.version === 0 || behind < interval(snap))
          return { outcome: `not due (${behind} versions since the last)` };
        const r = await table.checkpoint();
        return { outcome: `checkpoint at version ${r.version}` };
      }),
    );
  }

  if (policy.optimize !== false) {
    if (left() < minStep) {
      report.status = 'partial';
      return;
    }
    const p = policy.optimize ?? {};
    record(
      await timed('optimize', async () => {
        const snap = await table.refresh();
        const base = {
          targetSize: p.targetSize,
          zOrderBy: p.zOrderBy,
          where: p.where,
          minFilesPerBin: p.minFilesPerBin,
          maxBins: p.maxBins,
          timeBudgetMs: Math.max(0, left() - minStep),
        };
        const invoke = opts.invokeWorker;
        const r: OptimizeResult & { workers?: number; workersFailed?: number } = invoke
          ? await optimizeFanOut(snap, {
              ...base,
              invoke,
              binsPerWorker: p.binsPerWorker,
              maxWorkers: p.maxWorkers,
              minBinsToFanOut: p.fanOutMinBins ?? 4,
            })
          : await optimize(snap, base);
        if (r.partial) report.status = 'partial';
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
      }),
    );
  }

  if (policy.vacuum !== false) {
    if (left() < minStep) {
      report.status = 'partial';
      return;
    }
    const v = policy.vacuum ?? {};
    record(
      await timed('vacuum', async () => {
        const r = await vacuum(await table.refresh(), {
          retentionHours: v.retentionHours,
          mode: v.mode ?? 'lite',
          ...(opts.now ? { now: opts.now() } : {}),
        });
        return {
          outcome: `deleted ${r.numFilesDeleted} files`,
          metrics: { numFilesDeleted: r.numFilesDeleted, bytesDeleted: r.bytesDeleted },
        };
      }),
    );
  }

  if (policy.cleanupLogs !== false && left() >= minStep) {
    record(
      await timed('cleanupLogs', async () => {
        const r = await table.cleanupLogs(opts.now ? { now: opts.now() } : {});
        return { outcome: `deleted ${r.deleted.length} log files`, metrics: { logFilesDeleted: r.deleted.length } };
      }),
    );
  }
}

/** Maintain every table in turn, within the deadline. */
export async function runMaintenance(
  policies: readonly TablePolicy[],
  opts: MaintenanceOptions,
): Promise<MaintenanceReport> {
  const minStep = opts.minStepMs ?? DEFAULT_MIN_STEP_MS;
  const n = policies.length;
  const start = n === 0 ? 0 : (opts.startAt ?? 0) % n;
  const order = Array.from({ length: n }, (_, i) => (start + i) % n);
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
