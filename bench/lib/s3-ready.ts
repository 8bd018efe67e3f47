/** Child side of s3-spawn.ts: announce readiness on stdout, then wait for the parent's `go`. */

export const READY_MARK = '@@READY';

/** Child side: announce readiness and wait for the parent's `go` line. */
export function readyAndWait(): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    process.stdin.setEncoding('utf8');
    const onData = (s: string) => {
      buf += s;
      if (!buf.includes('\n')) return;
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
    process.stdout.write(`${READY_MARK}\n`);
  });
}
