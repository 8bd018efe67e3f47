/**
 * CSV delimiters: which one a file uses when none is given, and the error that names the right
 * one when a header read with the wrong one cannot be the table's.
 *
 * Sniffing looks at the header line only (and the next line to break a tie): a comma outside
 * quotes means `,`; otherwise the one of `;`, tab and `|` that occurs, or, when several do, the
 * one that occurs as often in the next line. A header with none of them is one column: `,`.
 */
import type * as arrow from 'apache-arrow';
import { InputFormatError } from '../errors.js';

const OTHERS = [';', '\t', '|'] as const;
/** How much of the input is looked at for the first two lines. */
const PEEK_BYTES = 64 * 1024;

/** `;`, `|` quoted; a tab named. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** Occurrences of each candidate outside double quotes in the first `lines` lines of `text`. */
function countLines(text: string, lines: number): Map<string, number>[] {
  const counts: Map<string, number>[] = [new Map()];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (counts.length === lines) break;
      counts.push(new Map());
    } else if (!quoted && (c === ',' || c === ';' || c === '\t' || c === '|')) {
      const line = counts[counts.length - 1]!;
      line.set(c, (line.get(c) ?? 0) + 1);
    }
  }
  return counts;
}

/** The delimiter of a CSV text whose first line is its header (see the module comment). */
export function guessDelimiter(text: string): string {
  const [head, next] = countLines(text, 2);
  if ((head!.get(',') ?? 0) > 0) return ',';
  const present = OTHERS.filter((d) => (head!.get(d) ?? 0) > 0);
  if (present.length <= 1) return present[0] ?? ',';
  const consistent = present.filter((d) => next !== undefined && next.get(d) === head!.get(d));
  if (consistent.length === 1) return consistent[0]!;
  return present.reduce((a, b) => ((head!.get(b) ?? 0) > (head!.get(a) ?? 0) ? b : a));
}

/** Reads up to the second line break (at most 64 KiB), guesses, and gives back the whole input. */
export async function sniffDelimiter(
  chunks: AsyncIterable<Uint8Array>,
): Promise<{ delimiter: string; chunks: AsyncIterable<Uint8Array> }> {
  const it = chunks[Symbol.asyncIterator]();
  const peeked: Uint8Array[] = [];
  let bytes = 0;
  let breaks = 0;
  let done = false;
  while (bytes < PEEK_BYTES && breaks < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    peeked.push(r.value);
    bytes += r.value.length;
    for (const b of r.value) if (b === 0x0a) breaks++;
  }
  // latin1: one char per byte, enough to find ASCII delimiters in UTF-8 or any 8-bit text.
  const text = Buffer.concat(peeked).toString('latin1');
  async function* all(): AsyncGenerator<Uint8Array> {
    yield* peeked;
    if (done) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return { delimiter: guessDelimiter(text), chunks: all() };
}

/**
 * When header columns are not in the table but the header, split on another delimiter, is
 * the table's columns: the error that names that delimiter (and never suggests adding columns).
 */
export function wrongDelimiterError(
  key: string,
  names: readonly string[],
  delimiter: string,
  schema: arrow.Schema | undefined,
): InputFormatError | undefined {
  if (!schema) return undefined;
  const columns = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  const unknown = names.filter((n) => !columns.has(n.toLowerCase()));
  if (unknown.length === 0) return undefined;
  const header = names.join(delimiter);
  for (const d of [',', ...OTHERS]) {
    if (d === delimiter) continue;
    const parts = header.split(d).map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
    if (parts.length < 2 || !parts.every((p) => columns.has(p.toLowerCase()))) continue;
    return new InputFormatError(
      key,
      (say) =>
        `${key}: the header was read with the delimiter ${delimiterName(delimiter)} as ` +
        `${names.length === 1 ? 'one column' : `${names.length} columns`} (${unknown.map((n) => JSON.stringify(n)).join(', ')} ` +
        `not in the table), but split on ${delimiterName(d)} it is the table's columns ${parts.join(', ')}: ` +
        `the file is ${delimiterName(d)}-separated. Read it with ${say({ option: 'delimiter', value: d })}.`,
      1,
    );
  }
  return undefined;
}
