/**
 * JSON.parse for one NDJSON line that keeps integers beyond 2^53 exact: lines with a run of
 * 16+ digits get those integer literals quoted with a marker before parsing, and the marked
 * strings become bigints. Lines without long digit runs take the plain JSON.parse path.
 */

const LONG_DIGITS_RE = /\d{16}/;
const MARK = '\u0000int:';
const MARK_SOURCE = '\\u0000int:'; // MARK as JSON source text (a raw NUL is not valid JSON)
const SAFE = 9007199254740991n;

/** Parse one line; throws SyntaxError like JSON.parse. */
export function parseJsonLine(line: string): unknown {
  if (!LONG_DIGITS_RE.test(line)) return JSON.parse(line) as unknown;
  const marked = markBigIntegers(line);
  if (marked === line) return JSON.parse(line) as unknown;
  return JSON.parse(marked, (_k, v: unknown) =>
    typeof v === 'string' && v.startsWith(MARK) ? toInteger(v.slice(MARK.length)) : v,
  ) as unknown;
}

function toInteger(text: string): bigint | number {
  const b = BigInt(text);
  return b >= -SAFE && b <= SAFE ? Number(b) : b;
}

/** Quote integer literals of 16+ digits outside strings. */
function markBigIntegers(line: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    const startsNumber = (c >= 48 && c <= 57) || c === 45; /* digit or - */
    if (!startsNumber) continue;
    let j = i + (c === 45 ? 1 : 0);
    while (j < line.length && line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) j++;
    const digits = j - i - (c === 45 ? 1 : 0);
    const next = j < line.length ? line[j]! : '';
    // Only plain integers (no fraction or exponent) need exact treatment.
    if (digits >= 16 && next !== '.' && next !== 'e' && next !== 'E') {
      out += `${line.slice(last, i)}"${MARK_SOURCE}${line.slice(i, j)}"`;
      last = j;
    }
    i = j - 1;
  }
  return last === 0 ? line : out + line.slice(last);
}
