/** VACUUM: delete files no version inside the retention window references. */
export { vacuum } from './vacuum.js';
export { VacuumDeleteError } from './delete-batches.js';
export { DEFAULT_DELETED_FILE_RETENTION } from './retention.js';
export type { VacuumFile, VacuumMode, VacuumOptions, VacuumProgress, VacuumResult } from './types.js';
export { planVacuum, type VacuumPlan } from './plan.js';
