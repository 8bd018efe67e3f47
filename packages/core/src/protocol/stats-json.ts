/**
 * Parse `add.stats` without losing digits. JSON.parse turns longs beyond 2^53 and decimals
 * with more than ~15 significant digits into rounded doubles, and a rounded bound can skip
 * a file that holds matching rows. Such literals are turned into strings first
 * (parseStatsValue reads longs and decimals from strings exactly). If the rewrite ever
 * hits a string value, the text stops being valid JSON and the stats are treated as
 * absent: skipping is lost, never correctness.
 */
import type { FileStats } from './actions.js';

/** A JSON number literal in value position (after `:`, `,` or `[`, before `,`, `}` or `]`). */
const NUMBER_VALUE = /([:,[]\s*)(-?\d[\d.]*(?:[eE][+-]?\d+)?)(?=\s*[,}\]])/g;

function significantDigits(literal: string): number {
  const mantissa = literal
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '');
  return mantissa.length;
}

export function parseStatsJson(text: string): FileStats | undefined {
  const safe = text.replace(NUMBER_VALUE, (all, prefix: string, num: string) =>
    significantDigits(num) > 15 ? `${prefix}"${num}"` : all,
  );
  try {
    const parsed = JSON.parse(safe) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as FileStats) : undefined;
  } catch {
    return undefined;
  }
}
