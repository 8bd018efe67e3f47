/**
 * Where the third-party conformance corpus is: `test/conformance/corpus/` in this repository
 * (see its NOTICE), or the directory named by DELTA_CONFORMANCE_DIR. Every test, benchmark and
 * script that reads the corpus takes the path from here.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The corpus bundled with the repository. */
export const BUNDLED_CORPUS_DIR = fileURLToPath(new URL('../conformance/corpus', import.meta.url));

/** The corpus the tests read: DELTA_CONFORMANCE_DIR when set, else the bundled one. */
export const CORPUS = resolve(process.env.DELTA_CONFORMANCE_DIR || BUNDLED_CORPUS_DIR);

/** `<corpus>/<parts...>`. */
export function corpusPath(...parts: string[]): string {
  return join(CORPUS, ...parts);
}

/** A clear message when `dir` is not a corpus (no index.json), instead of an ENOENT stack trace. */
export function corpusProblem(dir: string): string | undefined {
  if (existsSync(join(dir, 'index.json'))) return undefined;
  return (
    `no conformance corpus at ${dir} (index.json is missing). ` +
    `The repository bundles one in test/conformance/corpus; pass a corpus directory as the argument, ` +
    `or set DELTA_CONFORMANCE_DIR to one laid out as <source>/<table>/ + <source>/<table>.expected.json.`
  );
}
