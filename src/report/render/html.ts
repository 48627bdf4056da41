/** Self-contained HTML rendering of a ReportDocument: inline CSS and inline SVG, nothing fetched. */
import type { Block, ReportDocument, TableBlock } from '../document.ts';

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escapes text and turns `code spans` into <code>. */
function inline(s: string): string {
  return escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #ddd;padding-bottom:.3em}h2{border-bottom:1px solid #eee;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border-top:1px solid #ddd;border-bottom:1px solid #ddd;padding:.25em .6em;white-space:nowrap}
thead th{border-bottom:2px solid #999}td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}
.notes{font-size:.85em;color:#555;margin-top:-.6em}code{font-size:.9em;background:#f4f4f4;padding:0 .2em}
figure{margin:1.2em 0}figcaption{font-size:.9em;color:#444}svg{max-width:100%;height:auto}
`;

function table(t: TableBlock): string {
  const align = t.header.map((_, i) => t.align?.[i] ?? (i === 0 ? 'l' : 'r'));
  const cls = (i: number) => (align[i] === 'r' ? ' class="r"' : '');
  const head = `<thead><tr>${t.header.map((h, i) => `<th${cls(i)}>${inline(h)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${inline(c)}</td>`).join('')}</tr>`).join('\n')}</tbody>`;
  const notes = t.notes?.length ? `\n<div class="notes">${t.notes.map((n) => `<p>${inline(n)}</p>`).join('')}</div>` : '';
  return `<table id="${escape(t.id)}"><caption>${inline(t.caption)}</caption>${head}\n${body}</table>${notes}`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h${b.level}>${inline(b.text)}</h${b.level}>`;
    case 'paragraph':
      return `<p>${inline(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join('')}</ul>`;
    case 'table':
      return table(b);
    case 'figure':
      return `<figure id="fig-${escape(b.id)}">${b.svg}<figcaption>${inline(b.caption)}</figcaption></figure>`;
  }
}

export function renderHtml(doc: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escape(doc.title)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${inline(doc.title)}</h1>`,
    ...doc.blocks.map(block),
    '</body></html>',
    '',
  ].join('\n');
}
