/** Where a command writes: stdout and stderr (the process's, or a test's buffers). */
import { safeSink } from './output/stdio.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal: draw progress bars and readable logs (else plain lines and JSON). */
  tty?: boolean;
  /** The reader of `out` went away (a closed pipe): commands that only print may stop. */
  outClosed?: () => boolean;
}

/** Created on first use: a test importing the program must not hook the process's streams. */
let stdio: Io | undefined;

/** The process's streams, as sinks a closed pipe cannot crash (output/stdio.ts). */
export function processIo(): Io {
  if (!stdio) {
    const stdout = safeSink(process.stdout);
    const stderr = safeSink(process.stderr);
    stdio = { out: stdout.write, err: stderr.write, tty: process.stdout.isTTY === true, outClosed: stdout.closed };
  }
  return stdio;
}
