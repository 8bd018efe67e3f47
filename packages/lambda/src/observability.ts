/**
 * Powertools Logger and Metrics for the ingest handler. Metrics go out as CloudWatch EMF
 * (namespace DeltaServerless) once per invocation. Tests inject their own logger/metrics
 * (or set POWERTOOLS_DEV / POWERTOOLS_METRICS_DISABLED) to keep stdout quiet.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRICS_NAMESPACE = 'DeltaServerless';
export const SERVICE_NAME = 'delta-ingest';

export type IngestMetric =
  | 'RowsIngested'
  | 'FilesWritten'
  | 'BytesWritten'
  | 'CommitLatency'
  | 'CommitConflicts'
  | 'DuplicatesSkipped'
  | 'ObjectsFailed'
  | 'ObjectsIngested'
  | 'ObjectsSuperseded'
  | 'CatalogSyncFailed';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

const UNITS: Record<IngestMetric, Unit> = {
  RowsIngested: MetricUnit.Count,
  FilesWritten: MetricUnit.Count,
  BytesWritten: MetricUnit.Bytes,
  CommitLatency: MetricUnit.Milliseconds,
  CommitConflicts: MetricUnit.Count,
  DuplicatesSkipped: MetricUnit.Count,
  ObjectsFailed: MetricUnit.Count,
  ObjectsIngested: MetricUnit.Count,
  ObjectsSuperseded: MetricUnit.Count,
  CatalogSyncFailed: MetricUnit.Count,
};

/** What the handler needs of a logger (Powertools Logger fits; so does a test double). */
export interface IngestLogger {
  debug(message: string, extra: Record<string, unknown>): void;
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** What the handler needs of a metrics sink (Powertools Metrics fits). */
export interface IngestMetrics {
  addMetric(name: string, unit: Unit, value: number): void;
  publishStoredMetrics(): void;
}

export function defaultLogger(serviceName = SERVICE_NAME): Logger {
  return new Logger({ serviceName });
}

export function defaultMetrics(serviceName = SERVICE_NAME): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
}

/** Record one metric value with its unit. */
export function emit(metrics: IngestMetrics, name: IngestMetric, value: number): void {
  if (value > 0 || name === 'CommitLatency') metrics.addMetric(name, UNITS[name], value);
}

/** A short reason for logs: error class and message. */
export function describeError(err: unknown): { errorName: string; reason: string } {
  if (err instanceof Error) return { errorName: err.name, reason: err.message };
  return { errorName: 'Error', reason: String(err) };
}
