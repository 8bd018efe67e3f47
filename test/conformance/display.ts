/**
 * Arrow "pretty table" display strings. Some corpus expectations were transcribed from
 * Arrow pretty-printed tables (`prettyTableCaveat`): nested cells are display strings and
 * nulls print as empty. This renders our corpus-encoded values the same way.
 */
export function displayValue(v: unknown, typeName: string): string {
  if (v === null || v === undefined) return '';
  if (typeName.startsWith('map<') && Array.isArray(v)) {
    const [k, val] = splitMapType(typeName);
    return `{${(v as [unknown, unknown][]).map(([a, b]) => `${displayValue(a, k)}: ${displayValue(b, val)}`).join(', ')}}`;
  }
  if (Array.isArray(v)) {
    const inner = typeName.startsWith('array<') ? typeName.slice(6, -1) : '';
    return `[${v.map((x) => displayValue(x, inner)).join(', ')}]`;
  }
  if (typeof v === 'object') {
    const fields = typeName.startsWith('struct<') ? structFieldTypes(typeName) : new Map<string, string>();
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${displayValue(x, fields.get(k) ?? '')}`)
      .join(', ')}}`;
  }
  return String(v);
}

/** Split the top level of a comma-separated type list, respecting <> nesting. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

function splitMapType(t: string): [string, string] {
  const [k, v] = splitTop(t.slice(4, -1));
  return [k ?? '', v ?? ''];
}

function structFieldTypes(t: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of splitTop(t.slice(7, -1))) {
    const i = part.indexOf(':');
    if (i > 0) m.set(part.slice(0, i), part.slice(i + 1));
  }
  return m;
}
