/**
 * The README's TypeScript snippets compile against the packages as they are: each ```ts block
 * is type-checked as its own module, with the repository's compiler settings (strict,
 * NodeNext, workspace packages from their sources), without writing files.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    out.push({ line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

/** Type-check `sources` (virtual files in the repository root) and return the diagnostics as text. */
function typeCheck(sources: Record<string, string>): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.check.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const files = new Map(Object.entries(sources).map(([name, text]) => [join(ROOT, name), text]));
  const host = ts.createCompilerHost(config.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, onError) =>
    files.has(f) ? ts.createSourceFile(f, files.get(f)!, lang, true) : getSourceFile.call(host, f, lang, onError);
  const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      return `${d.file!.fileName.slice(ROOT.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
}

describe('README snippets', () => {
  const blocks = tsBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

  // One program for all (a program costs seconds): the README's blocks, and a block using a
  // name the packages do not export, which must fail (the check can fail).
  it('every ```ts block type-checks against the packages; a wrong one does not', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    const sources = Object.fromEntries(blocks.map((b) => [`readme-line-${b.line}.ts`, `${b.code}\nexport {};\n`]));
    const bad =
      "import { DeltaTable, openTable } from '@delta-serverless/core';\nawait openTable('/x');\nexport { DeltaTable };\n";
    const errors = typeCheck({ ...sources, 'readme-bad.ts': bad });
    expect(errors.filter((e) => !e.startsWith('readme-bad.ts'))).toEqual([]);
    expect(errors.join('\n')).toMatch(/readme-bad\.ts:1: .*openTable/);
  }, 120_000);
});
