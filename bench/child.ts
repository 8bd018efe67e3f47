/**
 * Child process entry: `node child.js <bench> fresh {variant, params}` runs one variant once;
 * `node child.js <bench> warm {variants, params, reps}` warms every variant up, then runs
 * `reps` rounds. Prints one RESULT line of JSON on stdout.
 */
import type { BenchModule, ChildResult, Runs, VariantResult } from './lib/harness.js';
import { gc, peakRssMB } from './lib/timing.js';

const RESULT_MARK = '@@RESULT ';

async function main(): Promise<void> {
  const [bench, kind, payload] = process.argv.slice(2);
  if (!bench || !kind || !payload) throw new Error('usage: child.js <bench> fresh|warm <json>');
  const mod = (await import(`./${bench}.js`)) as BenchModule;
  const input = JSON.parse(payload) as {
    variant?: string;
    variants?: string[];
    params: Record<string, unknown>;
    reps?: number;
  };
  const fn = (name: string) => {
    const f = mod.variants[name];
    if (!f) throw new Error(`${bench} has no variant ${name}; it has ${Object.keys(mod.variants).join(', ')}`);
    return f;
  };
  if (kind === 'fresh') {
    const res: VariantResult = await fn(input.variant!)(input.params);
    const cpu = process.cpuUsage(); // whole process so far: node start-up, imports, input, op
    const out: ChildResult = { ...res, rssMB: peakRssMB(), procCpuMs: (cpu.user + cpu.system) / 1000 };
    console.log(RESULT_MARK + JSON.stringify(out));
    return;
  }
  const variants = input.variants!;
  const reps = input.reps ?? 5;
  for (const v of variants) {
    gc();
    await fn(v)(input.params); // warm-up: imports, wasm compile, JIT
  }
  const runs: Record<string, VariantResult[]> = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(r + k) % variants.length]!;
      gc();
      runs[v]!.push(await fn(v)(input.params));
    }
  }
  const rssMB = peakRssMB();
  const out: Runs = Object.fromEntries(Object.entries(runs).map(([v, rs]) => [v, rs.map((x) => ({ ...x, rssMB }))]));
  console.log(RESULT_MARK + JSON.stringify(out));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
