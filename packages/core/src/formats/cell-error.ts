/**
 * A value that does not convert to its column's type. Builders throw CellError with the row
 * inside the batch; the readers turn it into an InputFormatError naming object, line and column.
 */
import { InputFormatError } from '../errors.js';

export class CellError extends Error {
  constructor(
    /** Row within the batch (of the top-level record), or -1 when no row is to blame. */
    readonly row: number,
    /** Column path, e.g. `a` or `s.b[]`. */
    readonly path: string,
    readonly value: unknown,
    /** The type expected, as a Delta type name (`long`, `decimal(10,2)`, ...). */
    readonly expected: string,
    readonly detail?: string,
  ) {
    super(`column ${path}: cannot convert ${showValue(value)} to ${expected}`);
  }
}

/** Short, quoted rendering of a bad value for messages. */
export function showValue(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = JSON.stringify(v);
  else if (typeof v === 'bigint') s = v.toString();
  else if (v instanceof Uint8Array) s = `<${v.length} bytes>`;
  // JSON numbers past the double range (1e400) parse as Infinity, which JSON.stringify shows as null.
  else if (v === Infinity || v === -Infinity) s = `a number beyond the double range (like ${v < 0 ? '-' : ''}1e400)`;
  else s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * The InputFormatError for a CellError. `line` is the input line of the row; `inferred` says the
 * column type was inferred from the first rows (so the hint is to pass a schema).
 */
export function cellErrorToInput(
  err: CellError,
  key: string,
  line: number | undefined,
  inferredRows?: number,
): InputFormatError {
  const where = line === undefined ? '' : `line ${line}, `;
  const top = err.path.split(/[.[]/)[0] ?? err.path;
  const hint =
    inferredRows !== undefined
      ? `The type ${err.expected} was inferred from the first ${inferredRows} rows; pass a schema that gives column "${top}" a wider type (e.g. string), or fix the value.`
      : `Fix the value, or change column "${top}" to a type that can hold it.`;
  return new InputFormatError(
    key,
    `${key}: ${where}column "${err.path}": cannot read ${showValue(err.value)} as ${err.expected}` +
      `${err.detail ? ` (${err.detail})` : ''}. ${hint}`,
    line,
    err.path,
    { cause: err },
  );
}
