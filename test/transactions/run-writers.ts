/**
 * Parent side of fixtures/writer.ts: fork writers, wait until every one has loaded the engine,
 * release them together, and collect what each reports.
 */
import type { WriterConfig, WriterMessage } from './fixtures/writer.js';
import { captureStderr, exited, forkFixture, message } from '../support/txn-harness.js';

export type WriterOutcome = Extract<WriterMessage, { type: 'done' | 'error' }> & {
  exitCode: number | null;
  stderr: string;
};

/** Runs the writers, released together (loseCreate ones first); resolves with each one's report. */
export async function runWriters(configs: WriterConfig[]): Promise<WriterOutcome[]> {
  const children = configs.map((c) => {
    const child = forkFixture('writer.ts', [JSON.stringify(c)]);
    return {
      child,
      stderr: captureStderr(child),
      final: message<WriterMessage>(child, (m) => m.type === 'done' || m.type === 'error').catch(() => undefined),
    };
  });
  await Promise.all(children.map((c) => message<WriterMessage>(c.child, (m) => m.type === 'ready')));
  // Writers set to lose the creation race go first and park right before their commit.
  const losers = children.filter((_, i) => configs[i]!.loseCreate);
  const parked = losers.map((c) => message<WriterMessage>(c.child, (m) => m.type === 'at-commit'));
  for (const c of losers) c.child.send('go');
  await Promise.all(parked);
  for (const c of children) if (!losers.includes(c)) c.child.send('go');
  return Promise.all(
    children.map(async (c, i) => {
      const [final, exit] = await Promise.all([c.final, exited(c.child)]);
      if (!final)
        throw new Error(
          `writer ${configs[i]!.worker} died without reporting (exit ${exit.code ?? exit.signal}):\n${c.stderr()}`,
        );
      return {
        ...(final as Extract<WriterMessage, { type: 'done' | 'error' }>),
        exitCode: exit.code,
        stderr: c.stderr(),
      };
    }),
  );
}
