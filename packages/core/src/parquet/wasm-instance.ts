/**
 * One parquet-wasm instance, fenced so that a trap cannot escape it.
 *
 * Damaged Parquet pages can make parquet-wasm's Rust code panic, which in wasm is a trap
 * (`RuntimeError: unreachable`). When the trap happens inside an async task it is thrown from
 * a microtask that wasm-bindgen scheduled: an uncaught exception that kills the process, while
 * the promise the caller awaits never settles. After a trap the instance's memory and task
 * state are not trustworthy, so an instance that trapped is never used again.
 *
 * The fence: every export is wrapped (a trap marks the instance dead and rejects every
 * promise awaited through `guard`); every closure the glue hands to JS (microtasks, promise
 * reactions, stream callbacks) is wrapped so that a trap in it is absorbed instead of thrown
 * at the event loop; after the trap calls that free wasm objects (finalizers) are no-ops and
 * the instance's memory is released. Each instance has its own copy of the glue module
 * (imported with a distinct URL), since the glue keeps its instance in module state.
 */
import type * as ParquetWasmModule from 'parquet-wasm/esm';

export type ParquetWasm = typeof ParquetWasmModule;

/** A call into an instance that trapped, or a promise abandoned by its trap (internal: readers turn it into a file's error). */
export class ParquetWasmTrap extends Error {
  constructor(readonly trap: Error) {
    super(`parquet-wasm trapped (${trap.message}); the instance was discarded`, { cause: trap });
    this.name = 'ParquetWasmTrap';
  }
}

/** Export names that only release wasm objects: after a trap they do nothing (finalizers call them). */
const RELEASE_EXPORT = /_free$|destroy_closure|dealloc|drop_slice/;

type Fn = (...args: unknown[]) => unknown;
type WasmCallback = Fn & { _wbg_cb_unref?: () => void };

export class WasmInstance {
  /** The trap that ended this instance, once it happened. */
  trap: Error | undefined;
  /** Readers holding files open in this instance (see `acquire`), and how many there were at the trap. */
  private users = 0;
  usersAtTrap: number | undefined;
  private readonly pending = new Set<(err: unknown) => void>();
  private release: (() => void) | undefined;

  constructor(
    readonly pw: ParquetWasm,
    readonly id: number,
  ) {}

  /**
   * A reader starts (`acquire`) or stops (`releaseUser`) using the instance. A trap with one
   * user is that user's; with more, any of them (or a stream prefetching for one) may have
   * caused it.
   */
  acquire(): void {
    this.users++;
  }

  releaseUser(): void {
    this.users--;
  }

  /** Await `promise` unless the instance traps first; a trap (now or earlier) rejects with ParquetWasmTrap. */
  guard<T>(promise: PromiseLike<T>): Promise<T> {
    if (this.trap) return Promise.reject(new ParquetWasmTrap(this.trap));
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      promise.then(
        (v) => {
          this.pending.delete(reject);
          resolve(v);
        },
        (err: unknown) => {
          this.pending.delete(reject);
          reject(this.classify(err));
        },
      );
    });
  }

  /** Run a synchronous call into the instance; a trap becomes ParquetWasmTrap. */
  call<T>(fn: () => T): T {
    if (this.trap) throw new ParquetWasmTrap(this.trap);
    try {
      return fn();
    } catch (err) {
      throw this.classify(err);
    }
  }

  /** ParquetWasmTrap for a trap (this one, or any once the instance is dead), else the error itself. */
  classify(err: unknown): unknown {
    if (err instanceof ParquetWasmTrap) return err;
    if (err instanceof WebAssembly.RuntimeError) this.fire(err);
    return this.trap ? new ParquetWasmTrap(this.trap) : err;
  }

  /** @internal Called by the fence on the first trap. */
  fire(trap: Error): void {
    if (this.trap) return;
    this.trap = trap;
    this.usersAtTrap = this.users;
    const rejects = [...this.pending];
    this.pending.clear();
    for (const reject of rejects) reject(new ParquetWasmTrap(trap));
    this.release?.();
    this.release = undefined;
  }

  /** @internal Set by `instantiate`: drops the instance's exports and memory after a trap. */
  onRelease(release: () => void): void {
    this.release = release;
  }
}

/**
 * A fresh instance of `module` bound to a fresh copy of the glue (`glue` must not have been
 * initialised before). The glue's `initSync` builds its imports and calls `new
 * WebAssembly.Instance(module, imports)`; for the length of that synchronous call the
 * constructor is swapped for one that fences the imports and exports.
 */
export function instantiate(glue: ParquetWasm, module: WebAssembly.Module, id: number): WasmInstance {
  const instance = new WasmInstance(glue, id);
  const Real = WebAssembly.Instance;
  function Fenced(this: unknown, m: WebAssembly.Module, imports: WebAssembly.Imports): { exports: object } {
    if (m !== module) return new Real(m, imports);
    const raw = new Real(m, fenceImports(imports, instance)).exports;
    return { exports: fenceExports(raw, instance) };
  }
  WebAssembly.Instance = Fenced as unknown as typeof WebAssembly.Instance;
  try {
    glue.initSync({ module });
  } finally {
    WebAssembly.Instance = Real;
  }
  return instance;
}

/** Wrap every import so that a closure it returns to JS absorbs a trap instead of throwing it at the event loop. */
function fenceImports(imports: WebAssembly.Imports, instance: WasmInstance): WebAssembly.Imports {
  const out: WebAssembly.Imports = {};
  for (const [ns, fns] of Object.entries(imports)) {
    const wrapped: Record<string, WebAssembly.ImportValue> = {};
    for (const [name, value] of Object.entries(fns)) {
      if (typeof value !== 'function') {
        wrapped[name] = value;
        continue;
      }
      const f = value as Fn;
      wrapped[name] = (...args: unknown[]) => {
        const ret = f(...args);
        return typeof ret === 'function' && '_wbg_cb_unref' in ret ? fenceCallback(ret as WasmCallback, instance) : ret;
      };
    }
    out[ns] = wrapped;
  }
  return out;
}

function fenceCallback(cb: WasmCallback, instance: WasmInstance): WasmCallback {
  const fenced: WasmCallback = (...args: unknown[]) => {
    if (instance.trap) return undefined; // the task died with the instance
    try {
      return cb(...args);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError || instance.trap) {
        instance.fire(err as Error);
        return undefined;
      }
      throw err;
    }
  };
  fenced._wbg_cb_unref = () => {
    if (!instance.trap) cb._wbg_cb_unref?.();
  };
  return fenced;
}

/** The exports as the glue sees them: calls marked dead on a trap, memory and tables until then. */
function fenceExports(raw: WebAssembly.Exports, instance: WasmInstance): object {
  let live: WebAssembly.Exports | undefined = raw;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (typeof value !== 'function') {
      Object.defineProperty(out, name, { enumerable: true, get: () => live?.[name] });
      continue;
    }
    const release = RELEASE_EXPORT.test(name);
    out[name] = (...args: unknown[]) => {
      const fn = live?.[name] as Fn | undefined;
      if (!fn || instance.trap) {
        if (release) return undefined;
        throw new ParquetWasmTrap(instance.trap ?? new Error('instance released'));
      }
      try {
        return fn(...args);
      } catch (err) {
        if (err instanceof WebAssembly.RuntimeError) instance.fire(err);
        throw err;
      }
    };
  }
  instance.onRelease(() => {
    // Detach the glue's cached views of the dead memory (grow(0) detaches the old buffer) and
    // drop our references: the glue module stays in the loader's cache, its memory need not.
    const memory = live?.['memory'];
    if (memory instanceof WebAssembly.Memory) memory.grow(0);
    live = undefined;
  });
  return out;
}
