import { describe, expect, test } from 'vitest';
import { sourceAppId } from './app-id.js';

describe('sourceAppId', () => {
  const base = { bucket: 'landing', key: 'events/a.csv', eTag: 'abc' };
  test('stable, prefixed, and distinct per bucket, key and version', () => {
    const id = sourceAppId(base);
    expect(id).toMatch(/^ingest:[0-9a-f]{40}$/);
    expect(sourceAppId({ ...base, eTag: '"abc"' })).toBe(id); // quotes do not matter
    expect(sourceAppId({ ...base, eTag: 'abd' })).not.toBe(id);
    expect(sourceAppId({ ...base, key: 'events/b.csv' })).not.toBe(id);
    expect(sourceAppId({ ...base, bucket: 'other' })).not.toBe(id);
    // versionId wins over the ETag (same content uploaded twice is two versions).
    expect(sourceAppId({ ...base, versionId: 'v1' })).toBe(sourceAppId({ ...base, eTag: 'zzz', versionId: 'v1' }));
    expect(sourceAppId({ ...base, versionId: 'v1' })).not.toBe(sourceAppId({ ...base, versionId: 'v2' }));
    expect(() => sourceAppId({ bucket: 'b', key: 'k' })).toThrow(/neither versionId nor eTag/);
  });
});
