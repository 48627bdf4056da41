/** Markdown rendering of a ReportDocument. Figures are linked as `figures/<id>.svg` beside report.md. */
import type { Block, ReportDocument, TableBlock } from '../document.ts';

/** A table cell may not contain `|` or a newline. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(t: TableBlock): string {
  const align = t.header.map((_, i) => t.align?.[i] ?? (i === 0 ? 'l' : 'r'));
  const lines = [
    `**${t.caption}**`,
    '',
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  if (t.notes?.length) lines.push('', ...t.notes.map((n) => `${n}  `));
  return lines.join('\n');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `${'#'.repeat(b.level)} ${b.text}`;
    case 'paragraph':
      return b.text;
    case 'list':
      return b.items.map((i) => `- ${i}`).join('\n');
    case 'table':
      return table(b);
    case 'figure':
      return `![${b.caption}](figures/${b.id}.svg)\n\n*${b.caption}*`;
  }
}

export function renderMarkdown(doc: ReportDocument): string {
  return [`# ${doc.title}`, ...doc.blocks.map(block)].join('\n\n') + '\n';
}
