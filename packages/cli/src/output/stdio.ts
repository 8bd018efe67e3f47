/**
 * stdout and stderr as sinks a command can always write to. When the reader goes away (`| head
 * -1` closes the pipe: EPIPE) or the stream fails otherwise, the error must not escape as an
 * unhandled 'error' event: that killed the process mid-operation (an OPTIMIZE that had written
 * its files but not committed them). From then on output is dropped, the table operation runs
 * to its end (commit included), and `closed()` lets a command that only prints (scan) stop early.
 */
export interface Sink {
  write(text: string): void;
  /** The reader is gone: further output is dropped. */
  closed(): boolean;
}

export function safeSink(stream: NodeJS.WritableStream): Sink {
  let closed = false;
  stream.on('error', () => {
    closed = true; // EPIPE (reader gone) or any other write failure: output is lost either way
  });
  return {
    write(text) {
      if (closed) return;
      try {
        stream.write(text);
      } catch {
        closed = true; // a synchronous failure (a destroyed stream)
      }
    },
    closed: () => closed,
  };
}
