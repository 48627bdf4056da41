/** Plain fixed-width rendering of a table for the terminal. */
import type { TableBlock } from '../document.ts';

export function renderTextTable(t: TableBlock): string {
  const strip = (s: string) => s.replace(/`/g, '');
  const header = t.header.map(strip);
  const rows = t.rows.map((r) => r.map(strip));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const align = header.map((_, i) => t.align?.[i] ?? (i === 0 ? 'l' : 'r'));
  const line = (cells: string[]) =>
    cells.map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  const out = [strip(t.caption), line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  return out.join('\n');
}
