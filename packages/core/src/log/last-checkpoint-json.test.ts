import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../../test/support/log-fixtures.js';
import {
  canonicalizeJson,
  lastCheckpointChecksum,
  serializeLastCheckpoint,
  strictUrlEncode,
} from './last-checkpoint-json.js';

describe('_last_checkpoint checksum (PROTOCOL.md "JSON checksum")', () => {
  it('reproduces the protocol example', () => {
    const json = JSON.parse(
      '{"k0":"\'v 0\'", "checksum": "adsaskfljadfkjadfkj", "k1":{"k2": 2, "k3": ["v3", [1, 2], {"k4": "v4", "k5": ["v5", "v6", "v7"]}]}}',
    ) as Record<string, never>;
    expect(canonicalizeJson(json)).toBe(
      '"k0"="%27v%200%27","k1"+"k2"=2,"k1"+"k3"+0="v3","k1"+"k3"+1+0=1,"k1"+"k3"+1+1=2,"k1"+"k3"+2+"k4"="v4",' +
        '"k1"+"k3"+2+"k5"+0="v5","k1"+"k3"+2+"k5"+1="v6","k1"+"k3"+2+"k5"+2="v7"',
    );
    expect(lastCheckpointChecksum(json)).toBe('6a92d155a59bf2eecbd4b4ec7fd1f875');
  });

  it.each([
    'delta-rs/spark-variant-checkpoint',
    'delta-golden/dv-partitioned-with-checkpoint',
    'delta-kernel-rs/v1-multi-part-struct-stats-only',
    'delta-kernel-rs/v2-checkpoints-json-with-sidecars',
  ])('matches the checksum Spark wrote in %s', (table) => {
    const json = JSON.parse(readFileSync(join(CORPUS, table, '_delta_log/_last_checkpoint'), 'utf8')) as Record<
      string,
      never
    >;
    expect(lastCheckpointChecksum(json)).toBe(json.checksum);
  });

  it('encodes all but unreserved characters, uppercase', () => {
    expect(strictUrlEncode("a-._~ !*'()/é")).toBe('a-._~%20%21%2A%27%28%29%2F%C3%A9');
  });

  it('serialises fields in order with the checksum last', () => {
    const text = new TextDecoder().decode(serializeLastCheckpoint({ version: 3, size: 10 }));
    const json = JSON.parse(text) as Record<string, never>;
    expect(Object.keys(json)).toEqual(['version', 'size', 'checksum']);
    expect(json.checksum).toBe(lastCheckpointChecksum({ version: 3, size: 10 }));
  });
});
