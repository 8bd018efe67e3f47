/**
 * Sequential round trips of AWS SDK calls: one `WaveTracker` installed as a middleware on
 * both clients (S3 and DynamoDB) sees every logical call, so waves span both services.
 *
 * A wave starts whenever the number of calls in flight goes from 0 to 1 (as in store.ts).
 * A call is in flight from `send` until its response is read: for a GetObject that is when
 * the body stream closes, not when the headers arrive. SDK retries stay inside one call.
 * An optional fixed latency per call (by service prefix) shows what the waves cost on AWS.
 */

/** One recorded call: its wave, kind (`s3:PutObject`) and target (key, prefix or table). */
export interface CallRecord {
  wave: number;
  kind: string;
  target: string;
  /** performance.now() at send and when the response (body included) was read. */
  start: number;
  end?: number;
  /** HTTP attempts of the call and the SDK's total retry delay (from `$metadata`). */
  attempts?: number;
  retryDelayMs?: number;
  /** Error name when the call failed (e.g. `PreconditionFailed`, `ConditionalCheckFailedException`). */
  error?: string;
}

interface Metadata {
  $metadata?: { attempts?: number; totalRetryDelay?: number };
}

function noteMetadata(rec: CallRecord, x: unknown): void {
  const m = (x as Metadata | undefined)?.$metadata;
  if (m?.attempts !== undefined) rec.attempts = m.attempts;
  if (m?.totalRetryDelay !== undefined) rec.retryDelayMs = m.totalRetryDelay;
}

interface Stream {
  once(event: 'close' | 'error', fn: () => void): unknown;
  destroyed?: boolean;
}

type Handler = (args: unknown) => Promise<unknown>;
interface MiddlewareClient {
  middlewareStack: {
    add(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

const sleep = (msec: number) => new Promise<void>((resolve) => setTimeout(resolve, msec));

function isStream(x: unknown): x is Stream {
  return typeof x === 'object' && x !== null && typeof (x as Stream).once === 'function';
}

/** What a call targets: `Key`, `Prefix` (listings), or the DynamoDB `Key.fileName`. */
function targetOf(input: Record<string, unknown>): string {
  if (typeof input.Key === 'string') return input.Key;
  if (typeof input.Prefix === 'string') return input.Prefix;
  const item = (input.Item ?? input.Key) as Record<string, { S?: string }> | undefined;
  if (item?.fileName?.S) return item.fileName.S;
  return typeof input.TableName === 'string' ? input.TableName : typeof input.Bucket === 'string' ? input.Bucket : '';
}

export class WaveTracker {
  waves = 0;
  log: CallRecord[] = [];
  private inflight = 0;

  /** `latencyMs` per kind prefix, e.g. `{ 's3:': 30, 'dynamodb:': 10 }`, added before each call. */
  constructor(readonly latencyMs: Record<string, number> = {}) {}

  reset(): void {
    this.waves = 0;
    this.log = [];
  }

  /** Calls in issue order; their count is the number of logical requests. */
  get requests(): number {
    return this.log.length;
  }

  /** Calls per kind, sorted by kind. */
  byKind(records: readonly CallRecord[] = this.log): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of [...records].sort((a, b) => a.kind.localeCompare(b.kind))) out[r.kind] = (out[r.kind] ?? 0) + 1;
    return out;
  }

  /** Install on an SDK v3 client; `prefix` names the service (`s3:` / `dynamodb:`). */
  install(client: unknown, prefix: string): void {
    const latency = Object.entries(this.latencyMs).find(([p]) => prefix.startsWith(p))?.[1] ?? 0;
    (client as MiddlewareClient).middlewareStack.add(
      (next, context) => async (args) => {
        const input = ((args as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown>;
        if (this.inflight++ === 0) this.waves++;
        const rec: CallRecord = {
          wave: this.waves,
          kind: `${prefix}${context.commandName?.replace(/Command$/, '') ?? 'unknown'}`,
          target: targetOf(input),
          start: performance.now(),
        };
        this.log.push(rec);
        const end = () => {
          if (rec.end === undefined) {
            rec.end = performance.now();
            this.inflight--;
          }
        };
        try {
          if (latency > 0) await sleep(latency);
          const out = await next(args);
          noteMetadata(rec, (out as { output?: unknown }).output);
          const body = (out as { output?: { Body?: unknown } }).output?.Body;
          if (isStream(body) && !body.destroyed) {
            // The round trip ends when the body has been read (or dropped).
            body.once('close', end);
            body.once('error', end);
            return out;
          }
          end();
          return out;
        } catch (err) {
          noteMetadata(rec, err);
          rec.error = (err as { name?: string }).name ?? 'Error';
          end();
          throw err;
        }
      },
      { step: 'initialize', name: 'benchWaveTracker' },
    );
  }

  /** HTTP retries the SDK made (attempts beyond the first) and their total backoff delay. */
  retries(): { retries: number; delayMs: number } {
    let retries = 0;
    let delayMs = 0;
    for (const r of this.log) {
      retries += Math.max(0, (r.attempts ?? 1) - 1);
      delayMs += r.retryDelayMs ?? 0;
    }
    return { retries, delayMs };
  }

  /** Failed calls by `kind error`, e.g. `{ 's3:PutObject PreconditionFailed': 3 }`. */
  errors(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log) if (r.error) out[`${r.kind} ${r.error}`] = (out[`${r.kind} ${r.error}`] ?? 0) + 1;
    return out;
  }

  /** Wall time with at least one call in flight (the sum of the waves' spans), in ms. */
  inflightMs(): number {
    let total = 0;
    for (let w = 1; w <= this.waves; w++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const r of this.log) {
        if (r.wave !== w) continue;
        lo = Math.min(lo, r.start);
        hi = Math.max(hi, r.end ?? r.start);
      }
      if (hi > lo) total += hi - lo;
    }
    return total;
  }

  /**
   * Calls grouped by wave, e.g. `wave 2 (4 ms): s3:GetObject x3 (a.json, b.json, c.json)`;
   * from the call at index `from` on (numbered from 1 there), with the gap since the previous wave.
   */
  summary(strip: (target: string) => string = (t) => t, from = 0): string[] {
    const lines: string[] = [];
    const log = this.log.slice(from);
    const first = log[0]?.wave ?? 1;
    let prevEnd: number | undefined;
    for (let w = first; w <= this.waves; w++) {
      const kinds = new Map<string, string[]>();
      for (const r of log) {
        if (r.wave !== w) continue;
        const name = r.error ? `${r.kind}!${r.error}` : r.kind;
        kinds.set(name, [...(kinds.get(name) ?? []), strip(r.target)]);
      }
      const parts = [...kinds].map(([k, targets]) => {
        const t = [...new Set(targets)];
        const shown = t.length > 3 ? `${t.slice(0, 2).join(', ')}, ... ${t.length} keys` : t.join(', ');
        return `${k} x${targets.length} (${shown})`;
      });
      const recs = log.filter((r) => r.wave === w);
      const start = Math.min(...recs.map((r) => r.start));
      const end = Math.max(...recs.map((r) => r.end ?? r.start));
      const gap = prevEnd === undefined ? '' : `, ${(start - prevEnd).toFixed(0)} ms after the previous`;
      prevEnd = end;
      lines.push(`wave ${w - first + 1} (${(end - start).toFixed(0)} ms${gap}): ${parts.join('; ')}`);
    }
    return lines;
  }
}
