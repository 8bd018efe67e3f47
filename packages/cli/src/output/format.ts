/**
 * Numbers, sizes and words for humans, the same in every command: counts with thousands
 * separators, sizes in binary units (B, KiB, MiB, ...), "1 file" / "2 files".
 */

/** Bytes for humans: 0 B, 999 B, 1.5 KiB, 12.0 MiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A count with thousands separators: 2,500,000. */
export function formatCount(n: number | bigint): string {
  return n.toLocaleString('en-US');
}

/** `1 file`, `2 files`, `1,000 rows` (plural defaults to word + "s"). */
export function counted(n: number | bigint, word: string, plural = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 || n === 1n ? word : plural}`;
}

/** Milliseconds for humans: 850 ms, 3.2 s, 4 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
