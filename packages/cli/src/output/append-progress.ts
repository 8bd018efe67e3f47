/**
 * Progress of `append` on a terminal: one line, redrawn at most ten times a second, with the
 * input bytes read (of the total when known), rows read and data files written. Cleared before
 * the summary line. Off the terminal it prints nothing (scripts get the summary alone).
 */
import { counted, formatBytes, formatCount } from './format.js';

export interface AppendProgress {
  read(bytes: number): void;
  rows(n: number): void;
  fileWritten(): void;
  /** Erase the line (before the summary or an error). */
  stop(): void;
}

const NONE: AppendProgress = { read() {}, rows() {}, fileWritten() {}, stop() {} };

/** Clear the terminal line and return to its start. */
const CLEAR = '\r\x1b[2K';

export function appendProgress(out: (s: string) => void, tty: boolean, totalBytes?: number): AppendProgress {
  if (!tty) return NONE;
  let bytes = 0;
  let rows = 0;
  let files = 0;
  let last = 0;
  let shown = false;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - last < 100) return;
    last = now;
    const of = totalBytes ? ` of ${formatBytes(totalBytes)} (${Math.floor((bytes / totalBytes) * 100)}%)` : '';
    out(
      `${CLEAR}appending: ${formatBytes(bytes)}${of} read, ${formatCount(rows)} rows, ${counted(files, 'file')} written`,
    );
    shown = true;
  };
  return {
    read(n) {
      bytes += n;
      draw();
    },
    rows(n) {
      rows += n;
      draw();
    },
    fileWritten() {
      files++;
      draw(true);
    },
    stop() {
      if (shown) out(CLEAR);
      shown = false;
    },
  };
}
