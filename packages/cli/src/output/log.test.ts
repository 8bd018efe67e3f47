import { describe, expect, test } from 'vitest';
import { cliLogger, readableLine } from './log.js';

describe('log lines', () => {
  const at = new Date(2026, 11, 7, 16, 8, 24);

  test('readable on a terminal: time, level, service, message, key=value fields', () => {
    expect(
      readableLine('INFO', 'ingest', 'committed', { table: 's3://b/t', version: 3, rows: 2500, note: 'a b' }, at),
    ).toBe('16:08:24 INFO  ingest      committed  table=s3://b/t version=3 rows=2,500 note="a b"');
    expect(readableLine('WARN', 'maintenance', 'slow', {}, at)).toBe('16:08:24 WARN  maintenance slow');
  });

  test('JSON lines off a terminal; debug only when asked', () => {
    const lines: string[] = [];
    const log = cliLogger((l) => lines.push(l), 'ingest', { tty: false });
    log.debug('hidden');
    log.info('committed', { version: 3 });
    expect(lines).toHaveLength(1);
    const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(parsed).toMatchObject({ level: 'INFO', message: 'committed', service: 'ingest', version: 3 });
    expect(typeof parsed['timestamp']).toBe('string');
  });
});
