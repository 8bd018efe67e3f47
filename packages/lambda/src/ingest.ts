/**
 * The ingest Lambda: S3 uploads -> Delta commits, exactly once per object version.
 * SQS batches report partial failures (`batchItemFailures`) through Powertools Batch: a bad
 * object fails only its own message; a failed table commit fails that table's messages.
 * Direct S3 / EventBridge invocations throw when anything failed (Lambda retries them; what
 * was committed is skipped on retry).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { S3Client } from '@aws-sdk/client-s3';
import { clientsFor, resolveAwsConfig, type AwsClients } from '@delta-serverless/aws';
import type { StorageOptions } from '@delta-serverless/core';
import type { Context, SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { catalogSyncer } from './catalog-sync.js';
import { ObjectIngestError } from './errors.js';
import { parseEvent } from './events.js';
import { startRun } from './ingest-run.js';
import { defaultLogger, defaultMetrics, type IngestLogger, type IngestMetrics } from './observability.js';
import { loadRoutes, parseRoutes, type Route, type RouteConfig } from './routes.js';
import { TableCache } from './table-cache.js';

export interface IngestHandlerConfig {
  /** Routes (validated here); default: DELTA_INGEST_ROUTES / DELTA_INGEST_ROUTES_FILE. */
  routes?: readonly RouteConfig[];
  /** SDK clients for tables and source objects (tests, local stack); default: from the config. */
  clients?: AwsClients;
  /** delta-rs-style storage options (endpoints, locking provider); default: the environment. */
  storageOptions?: StorageOptions;
  logger?: IngestLogger;
  metrics?: IngestMetrics;
  /** Objects decoded and written at once per table (default 4). */
  stageConcurrency?: number;
}

export type IngestEvent = unknown;
export type IngestHandler = (event: IngestEvent, context?: Partial<Context>) => Promise<SQSBatchResponse | void>;

/** Build the handler: routes are validated now (cold start), tables are cached across invocations. */
export function createIngestHandler(config: IngestHandlerConfig = {}): IngestHandler {
  const routes: Route[] = config.routes ? parseRoutes(config.routes) : loadRoutes();
  const logger = config.logger ?? defaultLogger();
  const metrics = config.metrics ?? defaultMetrics();
  const tables = new TableCache({ clients: config.clients, storageOptions: config.storageOptions });
  let s3: S3Client | undefined = config.clients?.s3;
  const s3Client = () => (s3 ??= clientsFor(resolveAwsConfig(config.storageOptions)).s3);
  const processor = new BatchProcessor(EventType.SQS);
  const syncCatalog = catalogSyncer(config.clients, config.storageOptions);

  return async (event, context) => {
    const parsed = parseEvent(event);
    const results = startRun(
      {
        routes,
        tables,
        s3: s3Client(),
        logger,
        metrics,
        stageConcurrency: config.stageConcurrency ?? 4,
        invocationId: context?.awsRequestId,
        syncCatalog,
      },
      parsed.messages,
    );
    try {
      if (parsed.kind === 'sqs') {
        const recordHandler = async (record: SQSRecord): Promise<void> => {
          const err = await results.get(record.messageId);
          if (err) throw err;
        };
        return await processPartialResponse(event as { Records: SQSRecord[] }, recordHandler, processor, {
          context: context as Context,
          throwOnFullBatchFailure: false,
        });
      }
      const errors = (await Promise.all(results.values())).filter((e): e is Error => e !== undefined);
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
