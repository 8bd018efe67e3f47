/**
 * The retention VACUUM uses and the safety check on it (as Delta Spark's
 * checkRetentionPeriodSafety): a retention shorter than `delta.deletedFileRetentionDuration`
 * is refused unless the caller turns the check off.
 */
import { InvalidArgumentError, RetentionTooShortError } from '../../errors.js';
import { tableDurationMs } from '../../protocol/intervals.js';

export const DELETED_FILE_RETENTION_KEY = 'delta.deletedFileRetentionDuration';
export const DEFAULT_DELETED_FILE_RETENTION = 'interval 1 week';
const MS_PER_HOUR = 3_600_000;

export interface RetentionPlan {
  /** Retention in effect. */
  retentionMs: number;
  /** The table's configured retention (Spark's defaultRetentionMillis). */
  configuredMs: number;
  /** The retention the caller asked for, if any (Spark's specifiedRetentionMillis). */
  specifiedMs?: number;
  checkEnabled: boolean;
  /** Files removed (or, in full mode, modified) before this instant are deleted. */
  cutoff: number;
}

/** Resolve the retention and cutoff; throws RetentionTooShortError when the check refuses it. */
export function planRetention(
  configuration: Readonly<Record<string, string>>,
  opts: { retentionHours?: number; enforceRetention?: boolean; now: number },
): RetentionPlan {
  const configuredMs = tableDurationMs(configuration, DELETED_FILE_RETENTION_KEY, DEFAULT_DELETED_FILE_RETENTION);
  const checkEnabled = opts.enforceRetention ?? true;
  let specifiedMs: number | undefined;
  if (opts.retentionHours !== undefined) {
    if (!Number.isFinite(opts.retentionHours) || opts.retentionHours < 0)
      throw new InvalidArgumentError(
        `VACUUM retention must be a non-negative number of hours, got ${opts.retentionHours}`,
      );
    specifiedMs = Math.round(opts.retentionHours * MS_PER_HOUR);
  }
  if (checkEnabled && specifiedMs !== undefined && specifiedMs < configuredMs) {
    const minHours = Math.ceil(configuredMs / MS_PER_HOUR);
    throw new RetentionTooShortError(
      specifiedMs,
      configuredMs,
      (say) =>
        `VACUUM retention of ${opts.retentionHours} hours is shorter than the table's ${DELETED_FILE_RETENTION_KEY} ` +
        `(${minHours} hours). Readers of older versions and writers that have not committed yet may still need the ` +
        `files it would delete, and would fail or corrupt the table. Use a retention of at least ${minHours} hours ` +
        `(${say({ option: 'retentionHours', hours: minHours })}); if you are certain no reader or writer uses older ` +
        `versions, turn the check off with ${say({ option: 'enforceRetention', value: false })} ` +
        '(Spark: spark.databricks.delta.retentionDurationCheck.enabled = false).',
    );
  }
  const retentionMs = specifiedMs ?? configuredMs;
  return { retentionMs, configuredMs, specifiedMs, checkEnabled, cutoff: opts.now - retentionMs };
}
