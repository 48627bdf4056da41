/** Turns a document path into file:line:col (1-based) using the parser's source ranges. */
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';
import type { ParsedFile } from './parse.ts';
import type { RawIssue } from './issues.ts';
import type { ConfigIssue } from './types.ts';
import type { DocPath } from './paths.ts';

interface Found {
  /** The node at the deepest path segment that exists. */
  value: Node | null;
  key: Node | null;
  /** How many path segments were found. */
  depth: number;
}

export class Locator {
  private lineCache: string[] | null = null;

  constructor(private readonly parsed: ParsedFile) {}

  get file(): string {
    return this.parsed.file;
  }

  private resolve(node: unknown): Node | null {
    if (isAlias(node)) return (node.resolve(this.parsed.doc) as Node | undefined) ?? null;
    return (node as Node | null) ?? null;
  }

  private find(path: DocPath): Found {
    let value = this.resolve(this.parsed.doc.contents);
    let key: Node | null = null;
    let depth = 0;
    for (const seg of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        key = pair.key as Node;
        value = this.resolve(pair.value);
      } else if (isSeq(value) && typeof seg === 'number' && seg < value.items.length) {
        key = null;
        value = this.resolve(value.items[seg]);
      } else break;
      depth++;
      if (value === null) break;
    }
    return { value, key, depth };
  }

  /** Offset in the text of a path's key (for `at: 'key'`) or value; the deepest existing ancestor if missing. */
  offsetOf(path: DocPath, at: 'key' | 'value' = 'value'): number {
    const found = this.find(path);
    const complete = found.depth === path.length;
    const node = (at === 'key' || !complete || found.value === null) && found.key !== null ? found.key : found.value ?? found.key;
    return node?.range?.[0] ?? 0;
  }

  /** True when every segment of the path exists in the file. */
  has(path: DocPath): boolean {
    return this.find(path).depth === path.length;
  }

  position(offset: number): { line: number; col: number; excerpt: string } {
    const { line, col } = this.parsed.lines.linePos(offset);
    this.lineCache ??= this.parsed.text.split(/\r?\n/);
    return { line, col, excerpt: this.lineCache[line - 1] ?? '' };
  }

  /** Locates an issue at its own path, or at `where` (e.g. a sweep value) when given. */
  locate(issue: RawIssue, where?: { path: DocPath; at?: 'key' | 'value' }): ConfigIssue {
    const target = where ?? { path: issue.path, at: issue.at };
    const { line, col, excerpt } = this.position(this.offsetOf(target.path, target.at ?? 'value'));
    const out: ConfigIssue = { code: issue.code, path: issue.path, message: issue.message, file: this.parsed.file, line, col, excerpt };
    if (issue.expected !== undefined) out.expected = issue.expected;
    if (issue.found !== undefined) out.found = issue.found;
    if (issue.suggestion !== undefined) out.suggestion = issue.suggestion;
    return out;
  }
}
