/**
 * One invocation's work: route every object, group by table, run each table's group once
 * (group.ts: stage with bounded concurrency, one commit) and report an outcome per object.
 * Messages (SQS records) await the outcomes of their objects.
 */
import { sourceAppId } from './app-id.js';
import type { ObjectOutcome } from './commit-group.js';
import { ObjectIngestError } from '../errors.js';
import type { EventMessage, SourceObject } from './events.js';
import { runGroup } from './group.js';
import { describeError, emit } from '../observability.js';
import { matchRoute } from './routes.js';
import type { Item, RunContext } from './run-context.js';

export type { Item, RunContext } from './run-context.js';

/** Per-message result: undefined on success, else the error to fail that message with. */
export type MessageResult = Promise<Error | undefined>;

const uriOf = (o: SourceObject) => `s3://${o.bucket}/${o.key}`;

interface Routed {
  /** Items per table URI, keyed by appId. */
  groups: Map<string, Map<string, Item>>;
  /** Messages that failed before any work (malformed, no appId). */
  early: Map<string, Error>;
  /** The uploads of each message. */
  objectsOf: Map<string, { appId: string; obj: SourceObject }[]>;
}

/** Start the work for all messages; returns one promise per messageId. */
export function startRun(ctx: RunContext, messages: readonly EventMessage[]): Map<string, MessageResult> {
  const { groups, early, objectsOf } = route(ctx, messages);
  const outcomes = new Map<string, Promise<ObjectOutcome>>();
  for (const [table, items] of groups) {
    const done = runGroup(ctx, table, [...items.values()]);
    for (const appId of items.keys())
      outcomes.set(
        appId,
        done.then((m) => m.get(appId)!),
      );
  }
  const results = new Map<string, MessageResult>();
  for (const m of messages) {
    const err = early.get(m.messageId);
    results.set(m.messageId, err ? Promise.resolve(err) : messageResult(objectsOf.get(m.messageId) ?? [], outcomes));
  }
  return results;
}

/** Route every object of every message to its table; malformed messages fail early. */
function route(ctx: RunContext, messages: readonly EventMessage[]): Routed {
  const { logger } = ctx;
  const out: Routed = { groups: new Map(), early: new Map(), objectsOf: new Map() };
  for (const m of messages) {
    if (m.error) {
      logger.error('malformed message', { messageId: m.messageId, ...describeError(m.error) });
      emit(ctx.metrics, 'ObjectsFailed', 1);
      out.early.set(m.messageId, m.error);
      continue;
    }
    if (m.ignored) logger.info('message ignored', { messageId: m.messageId, ignored: m.ignored });
    const mine: { appId: string; obj: SourceObject }[] = [];
    for (const obj of m.objects) {
      const route = matchRoute(ctx.routes, obj);
      if (!route) {
        logger.warn('no route for object; acknowledged without ingesting', {
          messageId: m.messageId,
          bucket: obj.bucket,
          key: obj.key,
        });
        continue;
      }
      let appId: string;
      try {
        appId = sourceAppId(obj);
      } catch (err) {
        out.early.set(m.messageId, err as Error);
        continue;
      }
      let group = out.groups.get(route.table);
      if (!group) out.groups.set(route.table, (group = new Map()));
      const item = group.get(appId);
      if (item) item.messageIds.push(m.messageId);
      else group.set(appId, { appId, obj, route, messageIds: [m.messageId] });
      mine.push({ appId, obj });
    }
    out.objectsOf.set(m.messageId, mine);
  }
  return out;
}

/** A message fails when any of its objects failed, naming them. */
async function messageResult(
  objects: readonly { appId: string; obj: SourceObject }[],
  outcomes: Map<string, Promise<ObjectOutcome>>,
): Promise<Error | undefined> {
  const failed: { uri: string; reason: string }[] = [];
  for (const { appId, obj } of objects) {
    const o = await outcomes.get(appId)!;
    if (o.status === 'failed') failed.push({ uri: uriOf(obj), reason: o.error.message });
  }
  if (failed.length === 0) return undefined;
  if (failed.length === 1) return new ObjectIngestError(failed[0]!.uri, failed[0]!.reason);
  return new ObjectIngestError(`${failed.length} objects`, failed.map((f) => `${f.uri}: ${f.reason}`).join('; '));
}
