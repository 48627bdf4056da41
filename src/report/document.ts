/**
 * A report as format-neutral blocks, built once and rendered to Markdown, HTML and LaTeX.
 * Text is plain; `code spans` in backticks are the only inline markup every renderer knows.
 */

export interface TableBlock {
  kind: 'table';
  /** Stable id, used by the LaTeX renderer to pick the main tables. */
  id: string;
  caption: string;
  header: string[];
  rows: string[][];
  /** Column alignment; default: first column left, the rest right. */
  align?: Array<'l' | 'r'>;
  notes?: string[];
}

export interface FigureBlock {
  kind: 'figure';
  /** Filesystem-safe; the Markdown report links `figures/<id>.svg`. */
  id: string;
  caption: string;
  svg: string;
}

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | TableBlock
  | FigureBlock;

export interface ReportDocument {
  title: string;
  blocks: Block[];
}

export const heading = (level: 1 | 2 | 3, text: string): Block => ({ kind: 'heading', level, text });
export const paragraph = (text: string): Block => ({ kind: 'paragraph', text });
export const list = (items: string[]): Block => ({ kind: 'list', items });

/** Filesystem- and id-safe form of a name. */
export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}
