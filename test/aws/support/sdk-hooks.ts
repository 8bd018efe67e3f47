/**
 * Hooks on AWS SDK v3 client calls, for crash and interleaving tests: a middleware sees every
 * logical call (not each HTTP retry) before it is sent and after it succeeded, and may delay it,
 * fail it or kill the process there. Steps of the DynamoDB commit protocol are named below.
 */
import type { AwsClients } from '@delta-serverless/aws';

/** One SDK call as a hook sees it. */
export interface CallInfo {
  service: 's3' | 'dynamodb';
  /** Command name without `Command`: `PutObject`, `PutItem`, ... */
  command: string;
  /** S3: the object key; DynamoDB item calls: the `fileName` of the lock entry. */
  key?: string;
}

export type Phase = 'before' | 'after';

/** Runs before a call is sent and after it succeeded; throwing fails the call, awaiting delays it. */
export type Hook = (call: CallInfo, phase: Phase) => void | Promise<void>;

/** The part of an AWS SDK v3 client that middleware attaches to. */
export interface HookableClient {
  middlewareStack: {
    add(
      mw: (
        next: (args: { input: Record<string, unknown> }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

let hooks = 0;

function keyOf(input: Record<string, unknown>): string | undefined {
  if (typeof input['Key'] === 'string') return input['Key'];
  const k = (input['Key'] ?? input['Item']) as Record<string, { S?: string }> | undefined;
  return k?.['fileName']?.S;
}

/** Installs `hook` on both clients (several hooks may be installed; they run in order). */
export async function hookClients(clients: Pick<AwsClients, 's3' | 'dynamo'>, hook: Hook): Promise<void> {
  for (const [service, client] of [
    ['s3', clients.s3],
    ['dynamodb', await clients.dynamo()],
  ] as const) {
    (client as unknown as HookableClient).middlewareStack.add(
      (next, context) => async (args) => {
        const call: CallInfo = {
          service,
          command: context.commandName?.replace(/Command$/, '') ?? 'unknown',
          key: keyOf(args.input),
        };
        await hook(call, 'before');
        const out = await next(args);
        await hook(call, 'after');
        return out;
      },
      { step: 'initialize', name: `dsTestHook${++hooks}` },
    );
  }
}

/** The points of a DynamoDB-mode commit where a writer can stop (Spark's protocol steps). */
export type CommitStep = 'after-temp' | 'after-put-item' | 'after-copy' | 'before-update';

export const COMMIT_STEPS: readonly CommitStep[] = ['after-temp', 'after-put-item', 'after-copy', 'before-update'];

const TEMP = /_delta_log\/\.tmp\//;
const COMMIT = /_delta_log\/\d{20}\.json$/;

/** True when this call and phase is `step` of a commit. */
export function isStep(step: CommitStep, call: CallInfo, phase: Phase): boolean {
  switch (step) {
    case 'after-temp':
      return phase === 'after' && call.command === 'PutObject' && TEMP.test(call.key ?? '');
    case 'after-put-item':
      return phase === 'after' && call.command === 'PutItem';
    case 'after-copy':
      return phase === 'after' && call.command === 'PutObject' && COMMIT.test(call.key ?? '');
    case 'before-update':
      return phase === 'before' && call.command === 'UpdateItem';
  }
}

/** A one-shot barrier: `reached` resolves when someone waits on it; `release` lets them go. */
export class Gate {
  private arrive!: () => void;
  private go!: () => void;
  readonly reached = new Promise<void>((r) => (this.arrive = r));
  private readonly opened = new Promise<void>((r) => (this.go = r));

  /** Called by the paused party. */
  async wait(): Promise<void> {
    this.arrive();
    await this.opened;
  }

  release(): void {
    this.go();
  }
}

/** Error thrown by injected failures (a call that "failed" after its effect happened). */
export class InjectedFailure extends Error {
  constructor(what: string) {
    super(`injected failure: ${what}`);
    this.name = 'InjectedFailure';
  }
}
