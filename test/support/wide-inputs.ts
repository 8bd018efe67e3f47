/**
 * Wide inputs for the memory tests: CSV and NDJSON with many columns, and a Parquet file with
 * many columns and no row groups whose footer is written here (thrift compact protocol, by
 * parquet.thrift's field ids), so that a 20,000-column file costs nothing to make.
 */

/** `columns` columns c0..c{n-1}, `rows` rows of numbers, as CSV. */
export function wideCsv(columns: number, rows: number): string {
  const names = Array.from({ length: columns }, (_, i) => `c${i}`).join(',');
  const lines = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: columns }, (_, i) => i * (r + 1)).join(','),
  );
  return [names, ...lines].join('\n') + '\n';
}

/** The same table as NDJSON. */
export function wideNdjson(columns: number, rows: number): string {
  return (
    Array.from({ length: rows }, (_, r) => {
      const o: Record<string, number> = {};
      for (let i = 0; i < columns; i++) o[`c${i}`] = i * (r + 1);
      return JSON.stringify(o);
    }).join('\n') + '\n'
  );
}

class Compact {
  private readonly out: number[] = [];
  private last = [0];

  private varint(n: number): void {
    while (n > 0x7f) {
      this.out.push((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.out.push(n);
  }

  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1]!;
    if (delta > 0 && delta <= 15) this.out.push((delta << 4) | type);
    else throw new Error('field ids must ascend by at most 15');
    this.last[this.last.length - 1] = id;
  }

  i32(id: number, v: number): this {
    this.header(id, 5);
    this.varint((v << 1) ^ (v >> 31));
    return this;
  }

  i64(id: number, v: number): this {
    this.header(id, 6);
    this.varint(v * 2); // v >= 0
    return this;
  }

  string(id: number, s: string): this {
    this.header(id, 8);
    const b = Buffer.from(s, 'utf8');
    this.varint(b.length);
    this.out.push(...b);
    return this;
  }

  /** A list of structs, each written by `write`. */
  structs<T>(id: number, items: readonly T[], write: (w: this, item: T) => void): this {
    this.header(id, 9);
    if (items.length < 15) this.out.push((items.length << 4) | 12);
    else {
      this.out.push(0xf0 | 12);
      this.varint(items.length);
    }
    for (const item of items) {
      this.last.push(0);
      write(this, item);
      this.out.push(0); // stop
      this.last.pop();
    }
    return this;
  }

  bytes(): Uint8Array {
    return Uint8Array.from([...this.out, 0]); // stop of the outer struct
  }
}

/** A Parquet file with `columns` OPTIONAL INT64 columns and no rows (no row groups). */
export function wideEmptyParquet(columns: number): Uint8Array {
  type Element = { name: string; children?: number };
  const elements: Element[] = [{ name: 'schema', children: columns }];
  for (let i = 0; i < columns; i++) elements.push({ name: `c${i}` });
  const meta = new Compact()
    .i32(1, 1)
    .structs(2, elements, (w, e) => {
      if (e.children === undefined) w.i32(1, 2).i32(3, 1); // type INT64, repetition OPTIONAL
      w.string(4, e.name);
      if (e.children !== undefined) w.i32(5, e.children);
    })
    .i64(3, 0)
    .structs(4, [] as never[], () => undefined)
    .bytes();
  const out = new Uint8Array(4 + meta.length + 8);
  out.set(Buffer.from('PAR1'), 0);
  out.set(meta, 4);
  new DataView(out.buffer).setUint32(4 + meta.length, meta.length, true);
  out.set(Buffer.from('PAR1'), 8 + meta.length);
  return out;
}
