/**
 * Messages of the embedded SQS (fauxqs keeps them in memory) on disk: every queue's name,
 * attributes and messages — waiting, delayed and in flight (saved as waiting, with their
 * receive counts, as if their visibility timeout had passed) — in one JSON file, rewritten
 * when it changes (checked four times a second) and when the stack stops. A stack started
 * again on the same data directory gets the queues and messages back, so an upload announced
 * before a stop is still ingested after it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { BuildAppOptions } from 'fauxqs';

type SqsStore = NonNullable<BuildAppOptions['stores']>['sqsStore'];
type SqsQueue = NonNullable<ReturnType<SqsStore['getQueueByName']>>;
type SqsMessage = SqsQueue['messages'][number];

interface SavedQueue {
  name: string;
  arn: string;
  attributes: Record<string, string>;
  messages: SqsMessage[];
}

export interface SqsPersistence {
  /** Recreate the saved queues missing from the store and put their messages back. */
  restore(endpointHost: string, region: string): number;
  /** Write the file now (when it changed). */
  save(): void;
  stop(): void;
}

function snapshot(store: SqsStore): SavedQueue[] {
  return store.listQueues().map((q) => {
    const m = q.inspectMessages();
    return {
      name: q.name,
      arn: q.arn,
      attributes: { ...q.attributes },
      messages: [...m.ready, ...m.delayed, ...m.inflight.map((i) => i.message)],
    };
  });
}

export function persistSqs(store: SqsStore, file: string): SqsPersistence {
  const saved: SavedQueue[] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedQueue[]) : [];
  let last = JSON.stringify(saved);
  let restored = saved.length === 0;
  const save = () => {
    if (!restored) return; // never overwrite the saved messages before they are back
    const text = JSON.stringify(snapshot(store));
    if (text === last) return;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    last = text;
  };
  const timer = setInterval(save, 250);
  timer.unref();
  return {
    restore(endpointHost, region) {
      let n = 0;
      for (const q of saved) {
        const port = endpointHost.split(':')[1] ?? '';
        const queue =
          store.getQueueByArn(q.arn) ??
          store.createQueue(q.name, store.buildQueueUrl(q.name, port, endpointHost, region), q.arn, q.attributes);
        for (const m of q.messages) queue.enqueue(m);
        n += q.messages.length;
      }
      restored = true;
      return n;
    },
    save,
    stop() {
      clearInterval(timer);
      save();
    },
  };
}
