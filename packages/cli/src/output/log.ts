/**
 * Log lines of long-running commands (`dev`): readable on a terminal
 * (`16:08:24 INFO  ingest  committed  table=... version=3 rows=2,000`), one JSON object per line
 * otherwise (as Powertools writes them on Lambda: level, message, service, timestamp, fields).
 * The handlers' loggers and the local stack's lines both go through it.
 */
import { formatCount } from './format.js';

export type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What the Lambda handlers need of a logger (their IngestLogger). */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

function value(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? formatCount(v) : String(v);
  if (typeof v === 'string') return /[\s"]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One readable line: time, level, service, message, then key=value fields. */
export function readableLine(
  level: Level,
  service: string,
  message: string,
  extra: Record<string, unknown>,
  now: Date,
): string {
  const time = now.toTimeString().slice(0, 8);
  const fields = Object.entries(extra)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  return `${time} ${level.padEnd(5)} ${service.padEnd(11)} ${message}${fields ? `  ${fields}` : ''}`;
}

/** A logger for `service` writing readable lines when `tty`, else JSON lines; DEBUG only when `debug`. */
export function cliLogger(
  write: (line: string) => void,
  service: string,
  opts: { tty: boolean; debug?: boolean },
): Logger {
  const log = (level: Level, message: string, extra: Record<string, unknown> = {}) => {
    if (level === 'DEBUG' && !opts.debug) return;
    const now = new Date();
    write(
      opts.tty
        ? readableLine(level, service, message, extra, now)
        : JSON.stringify({ level, message, service, timestamp: now.toISOString(), ...extra }),
    );
  };
  return {
    debug: (m, e) => log('DEBUG', m, e),
    info: (m, e) => log('INFO', m, e),
    warn: (m, e) => log('WARN', m, e),
    error: (m, e) => log('ERROR', m, e),
  };
}
