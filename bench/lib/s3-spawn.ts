/**
 * A gang of children started together: each runs one variant of a benchmark (child.ts
 * `fresh` mode), prints READY_MARK once set up, then waits for a line on stdin. When every
 * child is ready the parent sends `go` to all of them, so concurrent writers start at the
 * same moment however long their start-up took. Parent only (the child side is s3-ready.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { childCommand, RESULT_MARK } from './child-runner.js';
import type { ChildResult, Params } from './harness.js';
import { ROOT } from './paths.js';
import { READY_MARK } from './s3-ready.js';

/** Start one child per params entry, release them together, resolve with every result in order. */
export function runGang(
  mode: 'dist' | 'source',
  bench: string,
  variant: string,
  params: readonly Params[],
): Promise<ChildResult[]> {
  return new Promise((resolve, reject) => {
    const children: ChildProcess[] = [];
    const results: (ChildResult | undefined)[] = params.map(() => undefined);
    let ready = 0;
    let closed = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill();
      reject(err);
    };
    params.forEach((p, i) => {
      const child = spawn(
        process.execPath,
        [...childCommand(mode), bench, 'fresh', JSON.stringify({ variant, params: p })],
        {
          cwd: ROOT,
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      children.push(child);
      let out = '';
      let sawReady = false;
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (s: string) => {
        out += s;
        if (!sawReady && out.includes(`${READY_MARK}\n`)) {
          sawReady = true;
          if (++ready === params.length) for (const c of children) c.stdin!.write('go\n');
        }
      });
      child.stdin!.on('error', () => undefined); // a child that died is reported by 'close'
      child.on('error', (err) => fail(err));
      child.on('close', (code) => {
        const lines = out.split('\n');
        for (const l of lines)
          if (l && !l.startsWith(RESULT_MARK) && l !== READY_MARK) console.log(`  [child ${i}] ${l}`);
        const line = lines.find((l) => l.startsWith(RESULT_MARK));
        if (code !== 0 || !line) {
          fail(new Error(`bench child ${bench}/${variant} #${i} exited with ${code}`));
          return;
        }
        results[i] = JSON.parse(line.slice(RESULT_MARK.length)) as ChildResult;
        if (++closed === params.length && !failed) resolve(results as ChildResult[]);
      });
    });
  });
}
