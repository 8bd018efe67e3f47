/** What one invocation's run shares with each table group (run.ts starts the groups, group.ts runs one). */
import type { S3Client } from '@aws-sdk/client-s3';
import type { CatalogSyncer } from '../catalog-sync.js';
import type { IngestLogger, IngestMetrics } from '../observability.js';
import type { SourceObject } from './events.js';
import type { Route } from './routes.js';
import type { WarmTables } from './warm-tables.js';

export interface RunContext {
  routes: readonly Route[];
  tables: WarmTables;
  s3: S3Client;
  logger: IngestLogger;
  metrics: IngestMetrics;
  stageConcurrency: number;
  invocationId?: string;
  /** Epoch ms after which no object is read and no commit attempted (undefined: no deadline). */
  deadline?: number;
  /** Glue sync of routes with `catalog` (after commits that change the metadata). */
  syncCatalog?: CatalogSyncer;
}

/** One upload of the batch, with every message that announced it. */
export interface Item {
  appId: string;
  obj: SourceObject;
  route: Route;
  messageIds: string[];
}
