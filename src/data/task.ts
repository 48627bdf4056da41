/** Reading a task directory (`train.jsonl`, `dev.jsonl`, `test.jsonl`, one `{text, label}` per line). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError, FileNotFoundError } from '../errors.ts';
import type { SplitName, TaskData, TaskExample } from './types.ts';

export const SPLITS: readonly SplitName[] = ['train', 'dev', 'test'];

/** A located problem in a JSONL file. */
export interface JsonlIssue {
  file: string;
  line: number;
  message: string;
}

const MAX_REPORTED = 10;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Parses JSONL task text; returns the examples and every located issue (nothing is thrown). */
export function parseTaskJsonl(content: string, file: string): { examples: TaskExample[]; issues: JsonlIssue[] } {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const examples: TaskExample[] = [];
  const issues: JsonlIssue[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const issue = (message: string) => issues.push({ file, line, message });
    if (raw.trim() === '') return issue('empty line; expected one JSON object {"text": ..., "label": ...} per line');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return issue(`not valid JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return issue(`expected a JSON object, found ${describe(value)}`);
    const record = value as Record<string, unknown>;
    if (!('text' in record)) return issue('missing field "text"');
    if (typeof record.text !== 'string') return issue(`field "text" must be a string, found ${describe(record.text)}`);
    if (!('label' in record)) return issue('missing field "label"');
    const label = record.label;
    // Numeric and boolean labels are accepted as their string form ("0", "true").
    if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') {
      return issue(`field "label" must be a string (or number/boolean), found ${describe(label)}`);
    }
    if (String(label).trim() === '') return issue('field "label" is empty');
    examples.push({ text: record.text, label: String(label), line });
  });
  return { examples, issues };
}

/** Formats issues as `file:line: message` lines, at most 10 plus a count of the rest. */
export function formatJsonlIssues(issues: readonly JsonlIssue[]): string {
  const shown = issues.slice(0, MAX_REPORTED).map((i) => `  ${i.file}:${i.line}: ${i.message}`);
  if (issues.length > MAX_REPORTED) shown.push(`  … and ${issues.length - MAX_REPORTED} more`);
  return shown.join('\n');
}

/** Reads one split file; throws a DataError listing every bad line. */
export async function readTaskSplit(file: string): Promise<TaskExample[]> {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new FileNotFoundError(file, 'task split file');
    throw e;
  }
  const { examples, issues } = parseTaskJsonl(content, file);
  if (issues.length > 0) {
    throw new DataError(`${issues.length} bad line(s) in ${file}; fix or remove them:\n${formatJsonlIssues(issues)}`, { issues });
  }
  return examples;
}

/** Reads `train/dev/test.jsonl` from a task directory; the label set is the union of all splits. */
export async function readTask(dir: string): Promise<TaskData> {
  const [train, dev, test] = await Promise.all(SPLITS.map((s) => readTaskSplit(join(dir, `${s}.jsonl`))));
  if (train!.length === 0) throw new DataError(`${join(dir, 'train.jsonl')} has no examples; a task needs labelled training data`);
  const labels = [...new Set([...train!, ...dev!, ...test!].map((e) => e.label))].sort();
  return { train: train!, dev: dev!, test: test!, labels };
}
