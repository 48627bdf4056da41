/** Issues as text for terminals (one block per issue, with a caret under the spot) and as JSON. */
import { relative, isAbsolute } from 'node:path';
import { formatPath } from './paths.ts';
import type { ConfigIssue } from './types.ts';

export interface FormatOptions {
  color?: boolean;
  /** Show file names relative to this directory when they are inside it. */
  cwd?: string;
  /** `error` (default) or `warning`: the word printed before each message. */
  severity?: 'error' | 'warning';
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

export function displayFile(file: string, cwd?: string): string {
  if (!cwd || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function caretLine(excerpt: string, col: number): string {
  // Keep tabs so the caret lines up under tab-indented text.
  const lead = excerpt.slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, ' ');
  return `${lead}^`;
}

/** One block per issue: `file:line:col: error: message [code]`, then where, expected/found, the source line and "did you mean". */
export function formatIssues(issues: ConfigIssue[], opts: FormatOptions = {}): string {
  const color = opts.color ?? false;
  const red = paint(color, opts.severity === 'warning' ? '33' : '31');
  const dim = paint(color, '2');
  const bold = paint(color, '1');
  const cyan = paint(color, '36');
  return issues
    .map((i) => {
      const lines = [`${bold(`${displayFile(i.file, opts.cwd)}:${i.line}:${i.col}`)}: ${red(opts.severity ?? 'error')}: ${i.message} ${dim(`[${i.code}]`)}`];
      if (i.path.length > 0) lines.push(`  at:       ${formatPath(i.path)}`);
      if (i.expected !== undefined) lines.push(`  expected: ${i.expected}`);
      if (i.found !== undefined) lines.push(`  found:    ${i.found}`);
      if (i.excerpt !== undefined && i.excerpt.trim() !== '') {
        const gutter = String(i.line).padStart(4);
        lines.push(dim(`${gutter} | `) + i.excerpt, dim(`${' '.repeat(4)} | `) + red(caretLine(i.excerpt, i.col)));
      }
      if (i.suggestion !== undefined) lines.push(`  ${cyan(`did you mean "${i.suggestion}"?`)}`);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** Plain JSON data for `--json`: file names as given, everything else verbatim. */
export function issuesToJson(issues: ConfigIssue[]): Array<Record<string, unknown>> {
  return issues.map((i) => ({ ...i, path: i.path, pathText: formatPath(i.path) }));
}
