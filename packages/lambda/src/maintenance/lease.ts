/**
 * A per-table lease that keeps two maintenance runs (an overrun of the schedule, a retried
 * invocation, a second deployment) off the same table at once, without reserved concurrency.
 *
 * It lives in the table's own store, so it works whatever commits the table (S3 conditional
 * writes or the DynamoDB lock table), with nothing but put-if-absent, GET, LIST and DELETE:
 * leases are numbered objects `_maintenance/lease/<20 digits>.json` (a hidden directory:
 * readers and VACUUM of every engine skip it), and the highest number is the current lease.
 * To take it, a run reads the highest; if that one is held and unexpired the table is busy,
 * else the run creates the next number with put-if-absent. Of two runs racing for the same
 * number exactly one creates it. A run that created a number below the highest (its listing
 * was stale and the number had been cleaned up) sees that in a second listing and backs off.
 * Release rewrites the holder's own object as released; expiry covers runs that die.
 */
import { NotFoundError, PreconditionFailedError, type ObjectStore } from '@delta-serverless/core';
import { listAll } from '@delta-serverless/core/internal';

export const LEASE_DIR = '_maintenance/lease/';

/** What a lease object says. */
export interface LeaseState {
  owner: string;
  acquiredAt: number;
  /** Epoch ms after which the lease is free even if never released (the holder's hard deadline). */
  expiresAt: number;
  released?: boolean;
}

export interface HeldLease {
  number: number;
  state: LeaseState;
  /** Mark the lease released (the next run takes it at once). Never throws. */
  release(): Promise<void>;
}

export type LeaseResult = { acquired: true; lease: HeldLease } | { acquired: false; holder?: LeaseState };

const keyOf = (n: number) => `${LEASE_DIR}${String(n).padStart(20, '0')}.json`;

async function leaseNumbers(store: ObjectStore): Promise<number[]> {
  const keys = await listAll(store, LEASE_DIR, { recursive: false });
  return keys
    .map((m) => /(\d{20})\.json$/.exec(m.path)?.[1])
    .filter((d): d is string => d !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

async function readLease(store: ObjectStore, n: number): Promise<LeaseState | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode(await store.get(keyOf(n)))) as LeaseState;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    if (err instanceof SyntaxError) return { owner: '?', acquiredAt: 0, expiresAt: 0 }; // unreadable: expired
    throw err;
  }
}

const encode = (s: LeaseState) => new TextEncoder().encode(JSON.stringify(s));

/**
 * When a run last took the table's lease (epoch ms), or undefined if none ever did: the
 * lease log doubles as the record of which tables were maintained least recently.
 */
export async function lastLeaseTime(store: ObjectStore): Promise<number | undefined> {
  const numbers = await leaseNumbers(store);
  const latest = numbers[numbers.length - 1];
  return latest === undefined ? undefined : (await readLease(store, latest))?.acquiredAt;
}

/** Take the table's lease for `owner` until `expiresAt`, or say who holds it. */
export async function acquireLease(
  store: ObjectStore,
  opts: { owner: string; expiresAt: number; now?: () => number },
): Promise<LeaseResult> {
  const now = opts.now ?? Date.now;
  for (let attempt = 0; attempt < 3; attempt++) {
    const numbers = await leaseNumbers(store);
    const latest = numbers[numbers.length - 1];
    if (latest !== undefined) {
      const held = await readLease(store, latest);
      if (held === undefined) continue; // cleaned up under us: a newer lease exists, look again
      if (!held.released && held.expiresAt > now()) return { acquired: false, holder: held };
    }
    const state: LeaseState = { owner: opts.owner, acquiredAt: now(), expiresAt: opts.expiresAt };
    const claimed = await claimLease(store, (latest ?? -1) + 1, state);
    if (claimed) return { acquired: true, lease: claimed };
  }
  const numbers = await leaseNumbers(store);
  const latest = numbers[numbers.length - 1];
  return { acquired: false, holder: latest === undefined ? undefined : await readLease(store, latest) };
}

/**
 * Create lease `n` (put-if-absent) and check that it is the newest; undefined when another run
 * got there first. Older leases, but the one before, are deleted.
 */
export async function claimLease(store: ObjectStore, n: number, state: LeaseState): Promise<HeldLease | undefined> {
  try {
    await store.put(keyOf(n), encode(state), { ifNoneMatch: true, contentType: 'application/json' });
  } catch (err) {
    if (err instanceof PreconditionFailedError) return undefined;
    throw err;
  }
  const numbers = await leaseNumbers(store);
  if (numbers.some((m) => m > n)) {
    // A stale view: the number had been used and cleaned up. Ours is not the lease.
    await store.deleteMany([keyOf(n)]).catch(() => undefined);
    return undefined;
  }
  const old = numbers.filter((m) => m < n - 1).map(keyOf);
  if (old.length > 0) await store.deleteMany(old).catch(() => undefined); // tidy-up only
  return {
    number: n,
    state,
    release: () =>
      store
        .put(keyOf(n), encode({ ...state, released: true }), { contentType: 'application/json' })
        .catch(() => undefined),
  };
}
