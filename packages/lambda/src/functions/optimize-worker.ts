/**
 * Lambda entry point of the optimize worker (bundled with esbuild): rewrites the OPTIMIZE
 * bins the maintenance function sends it and returns the new files; it commits nothing.
 */
import type { Context } from 'aws-lambda';
import { createOptimizeWorkerHandler, type OptimizeWorkerHandler } from '../maintenance/worker-handler.js';

let built: OptimizeWorkerHandler | undefined;

/** The Lambda handler. */
export const handler = (event: unknown, context: Context) => (built ??= createOptimizeWorkerHandler())(event, context);
