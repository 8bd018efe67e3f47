/**
 * EventBridge Scheduler expressions of the maintenance schedule, validated at synth time (the
 * deploy would otherwise fail half-way, or a schedule would never fire):
 * - `rate(N unit)`: N a positive integer, unit minute(s) / hour(s) / day(s), singular exactly when N is 1;
 * - `cron(minutes hours day-of-month month day-of-week year)`: AWS's six fields, one of the two
 *   day fields `?` (cron-validate's `aws-cloud-watch` preset checks fields, ranges, `L`, `W`, `#`).
 * One-time `at(...)` schedules are refused: maintenance must recur.
 */
import * as cronValidate from 'cron-validate';
import { InfraConfigError } from './errors.js';

/** What we use of cron-validate's default export. */
type Validate = (expr: string, options: { preset: 'aws-cloud-watch' }) => { isValid(): boolean; getError(): string[] };
// cron-validate is CommonJS with an `exports.default`: depending on the loader the namespace's
// default is the function or the module object holding it.
const loaded = (cronValidate as unknown as { default: Validate | { default: Validate } }).default;
const validateCron: Validate = typeof loaded === 'function' ? loaded : loaded.default;

const RATE_UNITS = ['minute', 'hour', 'day'];

/** Throw InfraConfigError unless `expr` is a recurring EventBridge Scheduler expression. */
export function checkSchedule(expr: string): void {
  const fail = (why: string): never => {
    throw new InfraConfigError(
      `maintenanceSchedule "${expr}" ${why}; use e.g. "rate(1 hour)", "rate(30 minutes)" or "cron(0 3 * * ? *)"`,
    );
  };
  const rate = /^rate\((.*)\)$/.exec(expr);
  if (rate) {
    const m = /^(\d+) ([a-z]+)$/.exec(rate[1]!);
    if (!m) return fail('is not "rate(<positive integer> <unit>)"');
    const n = Number(m[1]);
    const unit = m[2]!;
    if (!Number.isSafeInteger(n) || n < 1) return fail('needs a positive whole number');
    const base = unit.replace(/s$/, '');
    if (!RATE_UNITS.includes(base)) return fail('has a unit other than minute(s), hour(s) or day(s)');
    if ((n === 1) !== (unit === base)) return fail(n === 1 ? 'needs a singular unit for 1' : 'needs a plural unit');
    return;
  }
  const cron = /^cron\((.*)\)$/.exec(expr);
  if (cron) {
    const r = validateCron(cron[1]!.trim(), { preset: 'aws-cloud-watch' });
    if (!r.isValid()) return fail(`is not a valid AWS cron expression: ${[...new Set(r.getError())].join('; ')}`);
    return;
  }
  if (/^at\(/.test(expr)) return fail('is a one-time schedule; maintenance must recur');
  fail('must be "rate(...)" or "cron(...)"');
}
