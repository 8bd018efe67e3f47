/**
 * A map that forks in O(changes), not O(entries): a shared, never-mutated base map plus this
 * fork's own changes (base keys hidden, base keys given a new value, keys appended after the
 * base). `fork()` copies only the changes, so a new version of a table's state costs the size
 * of what changed since the last fold, and every holder of an older fork keeps seeing its own
 * entries. When the changes outgrow a fraction of the base, the next fork first folds them
 * into a new base (O(entries), amortised over at least that many changes).
 *
 * The base is a `Map`, or any `MapBase` (the column store of a checkpoint's files,
 * log/file-rows-map.ts), which folds changes into a new base of its own kind.
 *
 * Iteration order is a `Map`'s: base order with replaced values in place, then appended keys
 * in insertion order (a key deleted and set again moves to the end, as in a `Map`).
 */
/** What an overlay needs of its shared base; never mutated once an overlay holds it. */
export interface MapBase<K, V> {
  readonly size: number;
  has(key: K): boolean;
  get(key: K): V | undefined;
  entries(): IterableIterator<[K, V]>;
  /** A new base holding this one's entries with these changes (as `fold` defines them); this one unchanged. */
  withChanges?(hidden: ReadonlySet<K>, replaced: ReadonlyMap<K, V>, tail: ReadonlyMap<K, V>): MapBase<K, V>;
}

export class OverlayMap<K, V> implements ReadonlyMap<K, V> {
  private base: MapBase<K, V>;
  /** Base keys that are deleted (or were deleted and set again: then they live in `tail`). */
  private hidden: Set<K>;
  /** Base keys set to a new value in place. */
  private replaced: Map<K, V>;
  /** Keys set after the base, in insertion order. */
  private tail: Map<K, V>;
  private count: number;

  constructor(entries?: Iterable<readonly [K, V]>) {
    this.base = new Map();
    this.hidden = new Set();
    this.replaced = new Map();
    this.tail = new Map(entries);
    this.count = this.tail.size;
  }

  /** A map over a shared base (not copied; the caller never mutates it). */
  static over<K, V>(base: MapBase<K, V>): OverlayMap<K, V> {
    const m = new OverlayMap<K, V>();
    m.base = base;
    m.count = base.size;
    return m;
  }

  get size(): number {
    return this.count;
  }

  /** Entries held as changes over the shared base (what a fork copies). */
  get changes(): number {
    return this.hidden.size + this.replaced.size + this.tail.size;
  }

  has(key: K): boolean {
    if (this.tail.has(key)) return true;
    return !this.hidden.has(key) && this.base.has(key);
  }

  get(key: K): V | undefined {
    if (this.base.size === 0) return this.tail.get(key); // nothing forked yet (a load): a plain Map
    if (this.tail.has(key)) return this.tail.get(key);
    if (this.hidden.has(key)) return undefined;
    if (this.replaced.has(key)) return this.replaced.get(key);
    return this.base.get(key);
  }

  set(key: K, value: V): this {
    if (this.base.size === 0) {
      this.tail.set(key, value);
      this.count = this.tail.size;
      return this;
    }
    if (this.tail.has(key)) this.tail.set(key, value);
    else if (!this.hidden.has(key) && this.base.has(key)) this.replaced.set(key, value);
    else {
      this.tail.set(key, value);
      this.count++;
    }
    return this;
  }

  delete(key: K): boolean {
    if (this.base.size === 0) {
      const had = this.tail.delete(key);
      this.count = this.tail.size;
      return had;
    }
    if (this.tail.delete(key)) {
      this.count--;
      return true;
    }
    if (this.hidden.has(key) || !this.base.has(key)) return false;
    this.hidden.add(key);
    this.replaced.delete(key);
    this.count--;
    return true;
  }

  /**
   * A copy that shares this map's base: O(changes). Neither side sees the other's later
   * writes. Folds first when the changes exceed `1/foldRatio` of the base (and `minFold`).
   */
  fork(foldRatio = 8, minFold = 4096): OverlayMap<K, V> {
    if (this.changes > minFold && this.changes * foldRatio > this.base.size) this.fold();
    const f = new OverlayMap<K, V>();
    f.base = this.base;
    f.hidden = new Set(this.hidden);
    f.replaced = new Map(this.replaced);
    f.tail = new Map(this.tail);
    f.count = this.count;
    return f;
  }

  /** Make the current entries the base (same contents and order; the old base is untouched). */
  fold(): void {
    if (this.base.size === 0) this.base = this.tail;
    else if (this.base.withChanges) this.base = this.base.withChanges(this.hidden, this.replaced, this.tail);
    else this.base = new Map(this.entries());
    this.hidden = new Set();
    this.replaced = new Map();
    this.tail = new Map();
  }

  *entries(): MapIterator<[K, V]> {
    // Captured once: a fold during a paused iteration swaps these objects but never mutates them.
    const { base, hidden, replaced, tail } = this;
    const checkHidden = hidden.size > 0;
    const checkReplaced = replaced.size > 0;
    for (const entry of base.entries()) {
      if (checkHidden && hidden.has(entry[0])) continue;
      if (checkReplaced && replaced.has(entry[0])) yield [entry[0], replaced.get(entry[0])!];
      else yield entry;
    }
    yield* tail;
  }

  *keys(): MapIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: K, map: ReadonlyMap<K, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
