/** @delta-serverless/lambda: Lambda handlers for Delta tables on S3. */
export { createIngestHandler, type IngestHandler, type IngestHandlerConfig } from './ingest/handler.js';
export {
  parseEvent,
  parseBody,
  decodeS3Key,
  type SourceObject,
  type EventMessage,
  type ParsedEvent,
} from './ingest/events.js';
export {
  loadRoutes,
  loadRoutesFrom,
  parseRoutes,
  matchRoute,
  type Route,
  type RouteConfig,
  type TimePartition,
} from './ingest/routes.js';
export { sourceAppId, versionToken, APP_ID_PREFIX } from './ingest/app-id.js';
export { INGEST_TABLE_PROPERTIES, type ObjectOutcome } from './ingest/commit-group.js';
export { METRICS_NAMESPACE, type IngestLogger, type IngestMetrics } from './observability.js';
export {
  IngestConfigError,
  IngestDeadlineError,
  MalformedEventError,
  ObjectIngestError,
  SourceChangedError,
  StaleEventError,
} from './errors.js';
export {
  createMaintenanceHandler,
  type MaintenanceHandler,
  type MaintenanceHandlerConfig,
} from './maintenance/handler.js';
export { createOptimizeWorkerHandler, type OptimizeWorkerHandler } from './maintenance/worker-handler.js';
export { tableStores } from './maintenance/stores.js';
export {
  checkpointFanOut,
  lambdaCheckpointInvoker,
  DEFAULT_FILES_PER_CHECKPOINT_PART,
  type CheckpointFanOutOptions,
  type CheckpointPartInvoker,
  type CheckpointPartRequest,
} from './maintenance/checkpoint-parts.js';
export {
  loadPolicies,
  loadPoliciesFrom,
  parsePolicies,
  type TablePolicy,
  type OptimizePolicy,
  type VacuumPolicy,
} from './maintenance/policy.js';
export {
  optimizeFanOut,
  lambdaInvoker,
  groupBins,
  runWorkerRequest,
  type WorkerInvoker,
  type OptimizeWorkerRequest,
  type OptimizeWorkerResponse,
  type FanOutOptions,
  type FanOutResult,
} from './maintenance/fan-out.js';
export {
  lambdaDmlInvoker,
  runDmlWorkerRequest,
  isDmlWorkerRequest,
  lambdaMergeInvoker,
  type DmlWorkerRequest,
} from './maintenance/dml-worker.js';
export {
  runMaintenance,
  DEFAULT_MAX_BINS,
  type MaintenanceReport,
  type TableReport,
  type StepReport,
} from './maintenance/run.js';
export {
  acquireLease,
  claimLease,
  lastLeaseTime,
  LEASE_DIR,
  type HeldLease,
  type LeaseResult,
  type LeaseState,
} from './maintenance/lease.js';
export { CheckpointPartsError, MaintenanceConfigError, OptimizeWorkerError } from './errors.js';
