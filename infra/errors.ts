/** Errors of the infrastructure settings (plain module: no SST globals). */

/** A deploy setting is invalid; the message names the setting and how to fix it. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
}
