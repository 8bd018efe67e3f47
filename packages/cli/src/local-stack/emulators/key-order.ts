/**
 * S3 lists keys in UTF-8 byte order. JS `<` compares UTF-16 code units, which differs only
 * where a surrogate pair (code point >= U+10000) meets a character in U+E000..U+FFFF;
 * remapping those two ranges gives code-point order, which equals UTF-8 byte order.
 */
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Compares two keys in S3 (UTF-8 byte) order. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}
