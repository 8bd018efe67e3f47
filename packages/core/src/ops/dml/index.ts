/**
 * The DELETE and UPDATE machinery that ops/delete and ops/update (and a replaceWhere on data
 * columns, ops/write) share, in Delta Spark's steps:
 *
 * - plan (plan.ts, context.ts): pure over the log; prune files by partition values and
 *   statistics; a JSON plan with the statement as SQL text and the write settings.
 * - execute (execute.ts over execute-files.ts): here or in workers; per file, find the matching
 *   rows (scan-matches.ts), then mark them in a deletion vector (mark-rows.ts) or rewrite the
 *   file copy-on-write (rewrite.ts, through lane.ts's writers), with change data rows;
 *   UPDATE's new values come from assign.ts (Spark's store assignment, store-assignment.ts).
 * - commit (commit.ts, metrics.ts): one transaction with Spark's read set and commitInfo.
 */
export { planDml, bindPredicate, checkWritable, selectFiles, tableColumns, type SelectedFiles } from './plan.js';
export { deletionVectorsWritable } from './context.js';
export { executeDmlPlan } from './execute.js';
export { executeDmlFiles, type DmlExecuteOptions } from './execute-files.js';
export { commitDml, commitDmlWith, type DmlCommitParts } from './commit.js';
export { compileAssignments } from './assign.js';
export { sumCounters } from './counters.js';
export type * from './types.js';
