/**
 * Lambda entry point of the scheduled maintenance function (bundled with esbuild).
 * Configuration: DELTA_MAINTENANCE_TABLES or DELTA_MAINTENANCE_TABLES_FILE, optional
 * DELTA_OPTIMIZE_WORKER_FUNCTION (fan-out), plus the AWS_* / DELTA_* storage settings.
 */
import type { Context } from 'aws-lambda';
import { createMaintenanceHandler, type MaintenanceHandler } from '../maintenance/handler.js';

let built: MaintenanceHandler | undefined;

/** The Lambda handler. */
export const handler = (event: unknown, context: Context) => (built ??= createMaintenanceHandler())(event, context);
