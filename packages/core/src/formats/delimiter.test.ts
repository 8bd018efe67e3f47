/**
 * CSV delimiter sniffing and the wrong-delimiter error. Rows read with a sniffed delimiter are
 * checked against csv-parse's synchronous parser given the right delimiter (an independent
 * reading of the same text), over seeded random files with quoted delimiters in the cells.
 */
import { mulberry32 as rng } from '../../test/support/prng.js';
import * as arrow from 'apache-arrow';
import { parse as parseSync } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { batchToObjects } from '../arrow/json-values.js';
import { InputFormatError, sdkWords } from '../errors.js';
import { guessDelimiter, sniffDelimiter, wrongDelimiterError } from './delimiter.js';
import { readInputStream } from './index.js';

async function* chunksOf(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readRows(text: string, size = 5, key = 'in.csv'): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of readInputStream(chunksOf(text, size), { key, format: 'csv' })) out.push(...batchToObjects(b));
  return out;
}

/** A CSV with `d` between fields; text cells are quoted and hold the other delimiters. */
function randomCsv(d: string, seed: number): string {
  const rand = rng(seed);
  const cols = 2 + Math.floor(rand() * 4);
  const header = Array.from({ length: cols }, (_, i) => `c${i}`);
  const lines = [header.join(d)];
  const pieces = ['a', 'b', ',', ';', '|', '\t', ' ', 'x y'];
  for (let r = 0; r < 1 + Math.floor(rand() * 30); r++) {
    lines.push(
      header
        .map((_, i) =>
          i === 0
            ? String(Math.floor(rand() * 1000))
            : `"${Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pieces[Math.floor(rand() * pieces.length)]).join('')}"`,
        )
        .join(d),
    );
  }
  const eol = rand() < 0.5 ? '\n' : '\r\n';
  return lines.join(eol) + eol;
}

describe('guessDelimiter', () => {
  it.each([
    ['id,name\n1,a\n', ','],
    ['id;name;x\n1;a;2\n', ';'],
    ['id\tname\n1\ta\n', '\t'],
    ['id|name\n1|a\n', '|'],
    ['"a;b",c\n', ','], // a comma outside quotes wins
    ['"a,b";c\n', ';'], // commas inside quotes do not count
    ['only\n1\n', ','], // one column
    ['a;b|c\n1;2|3\n', ';'], // a tie in both lines: the first of ; tab |
    ['a;b|c|d\n1;2|3|4\n', '|'], // both consistent: the more frequent
    ['a;b|c\nx;y;z|w\n', '|'], // only | occurs as often in the next line
  ])('%j -> %j', (text, d) => {
    expect(guessDelimiter(text)).toBe(d);
  });
});

describe('sniffing in the CSV reader', () => {
  it.each([',', ';', '\t', '|'])('seeded files delimited by %j read as csv-parse reads them', async (d) => {
    for (let seed = 1; seed <= 25; seed++) {
      const text = randomCsv(d, seed * 7 + d.charCodeAt(0));
      const expected = (
        parseSync(text, { delimiter: d, columns: true, relax_column_count: false }) as Record<string, string>[]
      ).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'c0' ? Number(v) : v])));
      expect(await readRows(text, 1 + (seed % 9))).toEqual(expected);
    }
  });

  it('gives back every byte after peeking (inputs longer than the peek, split anywhere)', async () => {
    const text = 'a;b\n' + Array.from({ length: 20_000 }, (_, i) => `${i};${'x'.repeat(i % 13)}`).join('\n') + '\n';
    const { delimiter, chunks } = await sniffDelimiter(chunksOf(text, 4093));
    expect(delimiter).toBe(';');
    const parts: Uint8Array[] = [];
    for await (const c of chunks) parts.push(c);
    expect(Buffer.concat(parts).toString('utf8')).toBe(text);
  });

  it('an explicit delimiter is used as given, and .tsv names still mean tab', async () => {
    const rows: Record<string, unknown>[] = [];
    for await (const b of readInputStream(chunksOf('a;b\n1;2\n', 3), {
      key: 'x.csv',
      format: 'csv',
      csv: { delimiter: ',' },
    }))
      rows.push(...batchToObjects(b));
    expect(rows).toEqual([{ 'a;b': '1;2' }]);
  });
});

describe('wrongDelimiterError', () => {
  const schema = new arrow.Schema([
    new arrow.Field('id', new arrow.Int64()),
    new arrow.Field('country', new arrow.Utf8()),
    new arrow.Field('amount', new arrow.Float64()),
  ]);

  it('names the delimiter that splits the header into the table columns, and never suggests merging', () => {
    const err = wrongDelimiterError('in.csv', ['id;Country;amount'], ',', schema);
    expect(err).toBeInstanceOf(InputFormatError);
    expect(err!.message).toContain("split on ';' it is the table's columns id, Country, amount");
    expect(err!.message).toContain("Read it with csv: { delimiter: ';' }.");
    expect(err!.message).not.toMatch(/merge/i);
    expect(err!.messageIn((a) => `<${JSON.stringify(a)}>`)).toContain('<{"option":"delimiter","value":";"}>');
    expect(sdkWords({ option: 'delimiter', value: '\t' })).toBe("csv: { delimiter: '\\t' }");
  });

  it('stays out of the way when the header fits, or splits into something else', () => {
    expect(wrongDelimiterError('in.csv', ['id', 'country'], ',', schema)).toBeUndefined();
    expect(wrongDelimiterError('in.csv', ['id;colour'], ',', schema)).toBeUndefined();
    expect(wrongDelimiterError('in.csv', ['id;country'], ',', undefined)).toBeUndefined();
  });

  it('is raised by the reader before any row is read', async () => {
    const text = 'id|country|amount\n1|NZ|2.5\n';
    const read = async () => {
      for await (const b of readInputStream(chunksOf(text, 4), {
        key: 'pipes.csv',
        format: 'csv',
        schema,
        csv: { delimiter: ';' },
      }))
        void b;
    };
    await expect(read()).rejects.toThrow(/the file is '\|'-separated\. Read it with csv: \{ delimiter: '\|' \}/);
    // Sniffed, the same file reads as the table's columns.
    const rows: Record<string, unknown>[] = [];
    for await (const b of readInputStream(chunksOf(text, 4), { key: 'pipes.csv', format: 'csv', schema }))
      rows.push(...batchToObjects(b));
    expect(rows).toEqual([{ id: 1, country: 'NZ', amount: 2.5 }]);
  });
});
