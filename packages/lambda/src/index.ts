/** @delta-serverless/lambda: Lambda handlers for Delta tables on S3. */
export { createIngestHandler, type IngestHandler, type IngestHandlerConfig } from './ingest.js';
export {
  parseEvent,
  parseBody,
  decodeS3Key,
  type SourceObject,
  type EventMessage,
  type ParsedEvent,
} from './events.js';
export { loadRoutes, parseRoutes, matchRoute, type Route, type RouteConfig, type TimePartition } from './routes.js';
export { sourceAppId, versionToken, APP_ID_PREFIX } from './app-id.js';
export { INGEST_TABLE_PROPERTIES, type ObjectOutcome } from './commit-group.js';
export { METRICS_NAMESPACE, type IngestLogger, type IngestMetrics } from './observability.js';
export { IngestConfigError, MalformedEventError, ObjectIngestError, SourceChangedError } from './errors.js';
export {
  createMaintenanceHandler,
  createOptimizeWorkerHandler,
  tableStores,
  type MaintenanceHandler,
  type MaintenanceHandlerConfig,
  type OptimizeWorkerHandler,
} from './maintenance/handler.js';
export {
  loadPolicies,
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
  type DmlWorkerRequest,
} from './maintenance/dml-worker.js';
export { runMaintenance, type MaintenanceReport, type TableReport, type StepReport } from './maintenance/run.js';
export { MaintenanceConfigError, OptimizeWorkerError } from './errors.js';
