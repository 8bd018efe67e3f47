/**
 * Lambda entry point of the ingest function (bundled with esbuild). Configuration comes from
 * the environment: DELTA_INGEST_ROUTES or DELTA_INGEST_ROUTES_FILE, plus the AWS_* / DELTA_*
 * storage settings of @delta-serverless/aws. Built lazily on the first event so that a bad
 * configuration is reported in that invocation's logs (and the module import never throws).
 */
import type { Context } from 'aws-lambda';
import { createIngestHandler, type IngestHandler } from '../ingest/handler.js';

let built: IngestHandler | undefined;

/** The Lambda handler. */
export const handler = (event: unknown, context: Context) => (built ??= createIngestHandler())(event, context);
