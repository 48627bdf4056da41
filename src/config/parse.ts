/**
 * Text to a YAML document with source positions. Everything that stops us from reading the file
 * as a mapping — not text, empty, syntax errors, duplicate keys, a list at the top — is reported
 * here as located issues, all at once.
 */
import { LineCounter, isMap, isScalar, isCollection, parseDocument, visit } from 'yaml';
import type { Alias } from 'yaml';
import type { Document } from 'yaml';
import type { ConfigIssue } from './types.ts';

export interface ParsedFile {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export type ParseResult = { ok: true; parsed: ParsedFile; warnings: ConfigIssue[] } | { ok: false; issues: ConfigIssue[] };

const yamlCodes: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate-key',
  MULTIPLE_DOCS: 'multiple-documents',
  BAD_ALIAS: 'yaml-alias',
  RESOURCE_EXHAUSTION: 'yaml-alias',
};

function lineText(text: string, line: number): string {
  return text.split(/\r?\n/)[line - 1] ?? '';
}

function issueAt(file: string, text: string, lines: LineCounter, offset: number, code: string, message: string, extra: Partial<ConfigIssue> = {}): ConfigIssue {
  const { line, col } = lines.linePos(Math.max(0, Math.min(offset, text.length)));
  return { code, path: [], message, file, line, col, excerpt: lineText(text, line), ...extra };
}

/** A file whose text cannot be YAML at all: report at 1:1 with what we saw. */
export function notTextIssue(file: string, why: string): ConfigIssue {
  return {
    code: 'file-not-text',
    path: [],
    message: `this is not a text file (${why}); an experiment must be a UTF-8 YAML file`,
    file,
    line: 1,
    col: 1,
    expected: 'UTF-8 text (YAML)',
    found: why,
  };
}

export function parseExperimentText(text: string, file: string): ParseResult {
  if (text.includes('\u0000')) return { ok: false, issues: [notTextIssue(file, 'it contains NUL bytes')] };
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true, strict: true });
  const issues: ConfigIssue[] = [];
  for (const e of doc.errors) {
    const code = yamlCodes[e.code] ?? 'yaml-syntax';
    const message = code === 'duplicate-key' ? 'this key appears twice in the same mapping; YAML keys must be unique' : `YAML syntax error: ${e.message}`;
    let offset = e.pos[0];
    // yaml reports a mis-indented line at its first column; point at the text that is misplaced.
    if (e.code === 'BAD_INDENT') while (source[offset] === ' ') offset++;
    issues.push(issueAt(file, source, lines, offset, code, message));
  }
  if (issues.length > 0) return { ok: false, issues };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      ok: false,
      issues: [issueAt(file, source, lines, 0, 'file-empty', 'the file is empty; an experiment needs at least `base:` (see experiments/README.md)', { expected: 'a mapping with at least `base:`', found: 'no content' })],
    };
  }
  if (!isMap(doc.contents)) {
    const found = isCollection(doc.contents) ? 'a list' : `a single value (${JSON.stringify(doc.contents.toJSON())})`;
    return {
      ok: false,
      issues: [issueAt(file, source, lines, doc.contents.range?.[0] ?? 0, 'root-not-mapping', `the top level of an experiment must be a mapping of keys (name:, base:, tasks:, ...), not ${found}`, { expected: 'a mapping', found })],
    };
  }

  visit(doc, {
    Alias(_key, node: Alias) {
      if (node.resolve(doc) === undefined) {
        issues.push(issueAt(file, source, lines, node.range?.[0] ?? 0, 'yaml-alias', `the alias *${node.source} refers to no anchor &${node.source} defined before it`, { expected: `an anchor &${node.source} earlier in the file`, found: `*${node.source}` }));
      }
    },
  });
  if (issues.length > 0) return { ok: false, issues };

  // Keys must be plain scalars: `? [a, b]: x` or `{a: 1}: x` cannot name anything in the language.
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key;
      if (k !== null && !isScalar(k)) {
        const offset = (k as { range?: [number, number, number] }).range?.[0] ?? 0;
        issues.push(issueAt(file, source, lines, offset, 'non-scalar-key', 'keys must be plain names, not lists or mappings', { expected: 'a name', found: 'a collection used as a key' }));
      }
    },
  });
  if (issues.length > 0) return { ok: false, issues };

  const warnings = doc.warnings.map((w) => issueAt(file, source, lines, w.pos[0], 'yaml-warning', w.message));
  return { ok: true, parsed: { file, text: source, doc, lines }, warnings };
}
