/**
 * One scale step in a fresh child, with a cap: the child is killed after `timeoutMs`, and an
 * out-of-memory death is told apart from other failures, so a size too large for a step
 * reports why on its line instead of hanging the run.
 */
import { spawn } from 'node:child_process';
import { childCommand, RESULT_MARK, type ChildMode } from './child-runner.js';
import type { ChildResult } from './harness.js';
import { ROOT } from './paths.js';

export type StepOutcome = { ok: true; result: ChildResult } | { ok: false; reason: string };

export interface StepCaps {
  timeoutMs: number;
  /** V8 old-space limit of the child (MB). */
  heapMB: number;
}

export function runStep(
  mode: ChildMode,
  bench: string,
  variant: string,
  params: Record<string, unknown>,
  caps: StepCaps,
): Promise<StepOutcome> {
  return new Promise((resolve) => {
    const args = [`--max-old-space-size=${caps.heapMB}`, ...childCommand(mode), bench, 'fresh'];
    const child = spawn(process.execPath, [...args, JSON.stringify({ variant, params })], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, caps.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
      process.stderr.write(s);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (timedOut) return resolve({ ok: false, reason: `timeout > ${Math.round(caps.timeoutMs / 1000)} s` });
      if (code === 0 && line) return resolve({ ok: true, result: JSON.parse(line.slice(RESULT_MARK.length)) });
      if (/heap out of memory|Allocation failed/i.test(err) || signal === 'SIGKILL')
        return resolve({ ok: false, reason: `OOM (heap cap ${caps.heapMB} MB)` });
      const lines = err.trim().split('\n').filter(Boolean);
      const why = lines.find((l) => /Error\b/.test(l)) ?? lines.slice(-1)[0] ?? `exit ${code ?? signal}`;
      resolve({ ok: false, reason: `failed: ${why.trim().slice(0, 160)}` });
    });
  });
}
