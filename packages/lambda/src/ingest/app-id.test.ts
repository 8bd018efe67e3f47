import { describe, expect, test } from 'vitest';
import { sourceAppId } from './app-id.js';

describe('sourceAppId', () => {
  const base = { bucket: 'landing', key: 'events/a.csv', eTag: 'abc' };
  test('stable, prefixed, and distinct per bucket, key and upload', () => {
    const id = sourceAppId(base);
    expect(id).toMatch(/^ingest:[0-9a-f]{40}$/);
    expect(sourceAppId({ ...base, eTag: '"abc"' })).toBe(id); // quotes do not matter
    expect(sourceAppId({ ...base, eTag: 'abd' })).not.toBe(id);
    expect(sourceAppId({ ...base, key: 'events/b.csv' })).not.toBe(id);
    expect(sourceAppId({ ...base, bucket: 'other' })).not.toBe(id);
    expect(() => sourceAppId({ bucket: 'b', key: 'k' })).toThrow(/no versionId, sequencer or eTag/);
  });

  test('versionId, then sequencer, name the upload; the ETag (its bytes) only without both', () => {
    const seq = { ...base, sequencer: '0055AED6DCD90281E5' };
    // The same event redelivered: same id. The same bytes uploaded again: another sequencer, another id.
    expect(sourceAppId(seq)).toBe(sourceAppId({ ...seq }));
    expect(sourceAppId(seq)).not.toBe(sourceAppId({ ...seq, sequencer: '0055AED6DCD90281E6' }));
    // Other bytes (another ETag) under the same sequencer do not make another upload.
    expect(sourceAppId(seq)).toBe(sourceAppId({ ...seq, eTag: 'abc-2' }));
    expect(sourceAppId(seq)).toBe(sourceAppId({ ...seq, sequencer: '0055aed6dcd90281e5' }));
    // versionId wins over both.
    const v1 = sourceAppId({ ...seq, versionId: 'v1' });
    expect(v1).toBe(sourceAppId({ ...base, eTag: 'zzz', sequencer: '01', versionId: 'v1' }));
    expect(v1).not.toBe(sourceAppId({ ...seq, versionId: 'v2' }));
  });
});
