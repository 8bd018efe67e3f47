import { mulberry32 as rng } from '../../test/support/prng.js';
import { describe, expect, test } from 'vitest';
import { OverlayMap } from './overlay-map.js';

/** A fork and the plain Map it must equal (the oracle), plus a frozen copy of what it held. */
interface Pair {
  overlay: OverlayMap<number, string>;
  oracle: Map<number, string>;
}

function expectSame(p: Pair, where: string): void {
  expect([...p.overlay.entries()], where).toEqual([...p.oracle.entries()]);
  expect(p.overlay.size, where).toBe(p.oracle.size);
}

describe('OverlayMap', () => {
  test.each([1, 7, 2024])('seed %i: every fork behaves as its own Map, in order, whatever the others do', (seed) => {
    const random = rng(seed);
    const pairs: Pair[] = [{ overlay: new OverlayMap(), oracle: new Map() }];
    for (let step = 0; step < 4000; step++) {
      const p = pairs[Math.floor(random() * pairs.length)]!;
      const key = Math.floor(random() * 300);
      const r = random();
      if (r < 0.5) {
        const v = `${step}`;
        expect(p.overlay.set(key, v)).toBe(p.overlay);
        p.oracle.set(key, v);
      } else if (r < 0.8) {
        expect(p.overlay.delete(key), `step ${step} delete ${key}`).toBe(p.oracle.delete(key));
      } else if (r < 0.95) {
        expect(p.overlay.get(key)).toBe(p.oracle.get(key));
        expect(p.overlay.has(key)).toBe(p.oracle.has(key));
      } else if (pairs.length < 12) {
        // Small fold thresholds so folds happen often.
        pairs.push({ overlay: p.overlay.fork(2, 8), oracle: new Map(p.oracle) });
      } else {
        p.overlay.fold();
      }
      if (step % 97 === 0) for (const [i, q] of pairs.entries()) expectSame(q, `seed ${seed} step ${step} fork ${i}`);
    }
    for (const q of pairs) {
      expectSame(q, 'end');
      expect([...q.overlay.keys()]).toEqual([...q.oracle.keys()]);
      expect([...q.overlay.values()]).toEqual([...q.oracle.values()]);
      expect([...q.overlay]).toEqual([...q.oracle]);
    }
  });

  test('a fork copies only the changes since the last fold, never the base', () => {
    const base = new OverlayMap<number, number>(Array.from({ length: 100_000 }, (_, i) => [i, i] as const));
    const a = base.fork();
    expect(a.changes).toBe(0); // the 100k entries became the shared base
    for (let i = 0; i < 10; i++) a.set(100_000 + i, i);
    a.delete(5);
    a.set(6, -6);
    const b = a.fork();
    expect(b.changes).toBe(12);
    b.delete(7);
    expect(a.has(7)).toBe(true);
    expect(base.get(6)).toBe(6);
    expect(a.get(6)).toBe(-6);
    expect([base.size, a.size, b.size]).toEqual([100_000, 100_009, 100_008]);
  });

  test('an iteration in progress is not disturbed by a fold of the same map', () => {
    const m = new OverlayMap<number, number>([[1, 1]]);
    m.fold();
    m.set(2, 2);
    m.set(1, 10);
    const it = m.entries();
    expect(it.next().value).toEqual([1, 10]);
    m.fold();
    m.set(3, 3);
    expect([...it]).toEqual([[2, 2]]);
    expect([...m]).toEqual([
      [1, 10],
      [2, 2],
      [3, 3],
    ]);
  });
});
