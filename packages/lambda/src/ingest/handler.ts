/**
 * The ingest Lambda: S3 uploads -> Delta commits, exactly once per upload.
 * SQS batches report partial failures (`batchItemFailures`) through Powertools Batch: a bad
 * object fails only its own message; a failed table commit fails that table's messages.
 * Direct S3 / EventBridge invocations throw when anything failed (Lambda retries them; what
 * was committed is skipped on retry).
 *
 * Deadline: with a Lambda context, work stops `reserveMs` before the function's timeout (no
 * object is read and no commit retried after that), and any message still unresolved shortly
 * before the timeout is reported as failed, so an invocation never times out with its whole
 * batch: only the messages that could not finish go back to the queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { S3Client } from '@aws-sdk/client-s3';
import { clientsFor, resolveAwsConfig, type AwsClients } from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { catalogSyncer } from '../catalog-sync.js';
import { IngestDeadlineError, ObjectIngestError } from '../errors.js';
import { parseEvent } from './events.js';
import { startRun, type MessageResult } from './run.js';
import { defaultLogger, defaultMetrics, type IngestLogger, type IngestMetrics } from '../observability.js';
import { configSource } from '../config-file.js';
import { loadRoutes, loadRoutesFrom, parseRoutes, type Route, type RouteConfig } from './routes.js';
import { WarmTables } from './warm-tables.js';

export interface IngestHandlerConfig {
  /**
   * Routes (validated here); default: DELTA_INGEST_ROUTES / DELTA_INGEST_ROUTES_FILE (validated
   * here too, or at the first event when the file is an s3:// object).
   */
  routes?: readonly RouteConfig[];
  /** SDK clients for tables and source objects (tests, local stack); default: from the config. */
  clients?: AwsClients;
  /** delta-rs-style storage options (endpoints, locking provider); default: the environment. */
  storageOptions?: StorageOptions;
  logger?: IngestLogger;
  metrics?: IngestMetrics;
  /** Objects decoded and written at once per table (default 4). */
  stageConcurrency?: number;
  /**
   * Time kept free before the function's timeout: no object is read and no commit retried
   * within it (default: a tenth of the invocation's time, between 3 and 15 s).
   */
  reserveMs?: number;
}

/** Unresolved messages are reported failed this long before the timeout (at most half the reserve). */
const REPORT_MS = 1_000;

/** The work deadline and the report deadline of an invocation (both undefined without a Lambda context). */
export function invocationDeadlines(
  context: Partial<Context> | undefined,
  reserveMs: number | undefined,
): { work?: number; report?: number } {
  const left = context?.getRemainingTimeInMillis?.();
  if (left === undefined || !Number.isFinite(left)) return {};
  const now = Date.now();
  const reserve = Math.max(0, reserveMs ?? Math.min(15_000, Math.max(3_000, left / 10)));
  return { work: now + left - reserve, report: now + left - Math.min(REPORT_MS, reserve / 2) };
}

/**
 * Resolve every result by `deadline` at the latest: still pending then, it becomes an
 * IngestDeadlineError (listed in `late`).
 */
async function settleBy(
  results: Map<string, MessageResult>,
  deadline: number | undefined,
): Promise<{ errors: Map<string, Error | undefined>; late: string[] }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new IngestDeadlineError(
    "not finished before the invocation's deadline; SQS redelivers the message and whatever committed is skipped",
  );
  const expired =
    deadline === undefined
      ? undefined
      : new Promise<Error>((resolve) => (timer = setTimeout(() => resolve(late), Math.max(0, deadline - Date.now()))));
  try {
    const errors = new Map<string, Error | undefined>();
    await Promise.all(
      [...results].map(async ([id, r]) => errors.set(id, await (expired ? Promise.race([r, expired]) : r))),
    );
    return { errors, late: [...errors].filter(([, e]) => e === late).map(([id]) => id) };
  } finally {
    clearTimeout(timer);
  }
}

export type IngestEvent = unknown;
export type IngestHandler = (event: IngestEvent, context?: Partial<Context>) => Promise<SQSBatchResponse | void>;

/** Build the handler: routes are validated now (cold start) or at the first event, tables are cached across invocations. */
export function createIngestHandler(config: IngestHandlerConfig = {}): IngestHandler {
  const logger = config.logger ?? defaultLogger();
  const metrics = config.metrics ?? defaultMetrics();
  const tables = new WarmTables({ clients: config.clients, storageOptions: config.storageOptions });
  let s3: S3Client | undefined = config.clients?.s3;
  const s3Client = () => (s3 ??= clientsFor(resolveAwsConfig(config.storageOptions)).s3);
  const fromS3 = !config.routes && configSource('DELTA_INGEST_ROUTES', process.env)?.kind === 's3';
  const eager = config.routes ? parseRoutes(config.routes) : fromS3 ? undefined : loadRoutes();
  let loading: Promise<Route[]> | undefined;
  // An s3:// routes file is read at the first event; a failed read is retried at the next one.
  const routes = (): Route[] | Promise<Route[]> =>
    eager ??
    (loading ??= loadRoutesFrom(process.env, s3Client).catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
  const syncCatalog = catalogSyncer(config.clients, config.storageOptions);

  return async (event, context) => {
    const parsed = parseEvent(event);
    const deadlines = invocationDeadlines(context, config.reserveMs);
    const started = startRun(
      {
        routes: await routes(),
        tables,
        s3: s3Client(),
        logger,
        metrics,
        stageConcurrency: config.stageConcurrency ?? 4,
        invocationId: context?.awsRequestId,
        deadline: deadlines.work,
        syncCatalog,
      },
      parsed.messages,
    );
    try {
      const { errors: results, late } = await settleBy(started, deadlines.report);
      for (const messageId of late) logger.error('message not finished in time', { messageId });
      if (parsed.kind === 'sqs') {
        const recordHandler = async (record: SQSRecord): Promise<void> => {
          const err = results.get(record.messageId);
          if (err) throw err;
        };
        // One processor per invocation: a BatchProcessor keeps the batch's records and failures
        // as state, so invocations running at once in one process (the local stack's pollers)
        // must not share one.
        const processor = new BatchProcessor(EventType.SQS);
        return await processPartialResponse(event as { Records: SQSRecord[] }, recordHandler, processor, {
          context: context as Context,
          throwOnFullBatchFailure: false,
        });
      }
      const errors = [...results.values()].filter((e): e is Error => e !== undefined);
      if (errors.length > 0) {
        throw new ObjectIngestError(
          `${parsed.kind} event`,
          errors.map((e) => e.message).join('; ') + ' (Lambda retries the event; committed objects are skipped)',
        );
      }
      return undefined;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
