/** Where a command writes: stdout and stderr (the process's, or a test's buffers). */
export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** stdout is a terminal: draw progress bars and readable logs (else plain lines and JSON). */
  tty?: boolean;
}

/** The process's streams. */
export function processIo(): Io {
  return {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    tty: process.stdout.isTTY === true,
  };
}
