/** DELETE and UPDATE machinery shared by ops/delete and ops/update: plan, execute, commit. */
export { planDml, deletionVectorsWritable, type DmlStatement } from './plan.js';
export { executeDml, type ExecuteOptions } from './execute.js';
export { commitDml } from './commit.js';
export { runDml, runDmlFiles } from './run.js';
export type * from './types.js';
