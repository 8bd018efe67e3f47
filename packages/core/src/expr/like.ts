/**
 * LIKE patterns (Spark semantics): `%` matches any sequence, `_` exactly one character,
 * the escape character quotes `%`, `_` or itself. Case-sensitive. Common shapes are
 * classified so evaluators can match bytes without a regular expression.
 */
import { ExpressionError } from '../errors.js';

export interface CompiledLike {
  /** exact: no wildcard; prefix: `lit%`; suffix: `%lit`; contains: `%lit%`; regex: anything else. */
  readonly shape: 'exact' | 'prefix' | 'suffix' | 'contains' | 'regex';
  /** The literal text for the non-regex shapes. */
  readonly text: string;
  /** Literal characters before the first wildcard (for range-based skipping). */
  readonly leading: string;
  readonly regex: RegExp;
}

type Token = { wild: '%' | '_' } | { ch: string };

/** Parse and classify a LIKE pattern; an escape before anything but `%`, `_` or itself is an error. */
export function compileLike(pattern: string, escape: string): CompiledLike {
  if ([...escape].length !== 1) throw new ExpressionError(`LIKE escape must be one character, got '${escape}'`);
  const tokens: Token[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === escape) {
      const next = chars[i + 1];
      if (next !== '%' && next !== '_' && next !== escape)
        throw new ExpressionError(
          `invalid LIKE pattern '${pattern}': the escape character '${escape}' must be followed by %, _ or itself`,
        );
      tokens.push({ ch: next });
      i++;
    } else if (c === '%' || c === '_') tokens.push({ wild: c });
    else tokens.push({ ch: c });
  }
  // Collapse runs of % (they match the same as one).
  const toks = tokens.filter((t, i) => !('wild' in t && t.wild === '%' && i > 0 && isPct(tokens[i - 1])));
  let leading = '';
  for (const t of toks) {
    if ('wild' in t) break;
    leading += t.ch;
  }
  const lits = toks.map((t) => ('ch' in t ? t.ch : ''));
  const wilds = toks.map((t) => ('wild' in t ? t.wild : ''));
  const nWild = wilds.filter((w) => w !== '').length;
  const hasUnderscore = wilds.includes('_');
  const inner = (from: number, to: number) => lits.slice(from, to).join('');
  const regex = new RegExp(
    `^${toks.map((t) => ('ch' in t ? t.ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : t.wild === '%' ? '.*' : '.')).join('')}$`,
    'su',
  );
  let shape: CompiledLike['shape'] = 'regex';
  let text = '';
  const n = toks.length;
  if (!hasUnderscore) {
    if (nWild === 0) {
      shape = 'exact';
      text = inner(0, n);
    } else if (nWild === 1 && isPct(toks[n - 1])) {
      shape = 'prefix';
      text = inner(0, n - 1);
    } else if (nWild === 1 && isPct(toks[0])) {
      shape = 'suffix';
      text = inner(1, n);
    } else if (nWild === 2 && n >= 2 && isPct(toks[0]) && isPct(toks[n - 1])) {
      shape = 'contains';
      text = inner(1, n - 1);
    }
  }
  return { shape, text, leading, regex };
}

function isPct(t: Token | undefined): boolean {
  return t !== undefined && 'wild' in t && t.wild === '%';
}

/** Match one string against a compiled pattern. */
export function likeMatches(p: CompiledLike, s: string): boolean {
  switch (p.shape) {
    case 'exact':
      return s === p.text;
    case 'prefix':
      return s.startsWith(p.text);
    case 'suffix':
      return s.endsWith(p.text);
    case 'contains':
      return s.includes(p.text);
    default:
      return p.regex.test(s);
  }
}
