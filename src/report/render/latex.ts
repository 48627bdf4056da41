/** The main results table as LaTeX (booktabs), formatted like the paper: mean with the std as a subscript. */
import type { ExperimentData } from '../collect.ts';
import { SPLITS } from '../summarise.ts';

export function latexEscape(s: string): string {
  return s.replace(/[\\&%$#_{}~^]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '~' ? '\\textasciitilde{}' : c === '^' ? '\\textasciicircum{}' : `\\${c}`));
}

function cell(mean: number | null, std: number | null, n: number, planned: number): string {
  if (mean === null) return '--';
  const body = std === null ? `${(mean * 100).toFixed(1)}` : `${(mean * 100).toFixed(1)}_{\\pm ${(std * 100).toFixed(1)}}`;
  return n === planned ? `$${body}$` : `$${body}^{(${n}/${planned})}$`;
}

function pointTable(data: ExperimentData, point: string): string {
  const { arms, tasks } = data.experiment;
  const targets = data.params.targets;
  const withPaper = new Set(tasks.filter((t) => arms.some((a) => targets[a]?.[t])));
  const groups = tasks.map((t) => ({ task: t, cols: withPaper.has(t) ? 3 : 2 }));
  const ncols = groups.reduce((s, g) => s + g.cols, 0);
  const lines: string[] = [];
  lines.push('\\begin{table}[t]', '\\centering', `\\begin{tabular}{l${'c'.repeat(ncols)}}`, '\\toprule');
  lines.push(` & ${groups.map((g) => `\\multicolumn{${g.cols}}{c}{${latexEscape(g.task)}}`).join(' & ')} \\\\`);
  let col = 2;
  lines.push(groups.map((g) => {
    const rule = `\\cmidrule(lr){${col}-${col + g.cols - 1}}`;
    col += g.cols;
    return rule;
  }).join(''));
  lines.push(`Arm & ${groups.map((g) => ['dev', 'test', ...(g.cols === 3 ? ['paper'] : [])].join(' & ')).join(' & ')} \\\\`, '\\midrule');
  for (const arm of arms) {
    const cells: string[] = [];
    for (const { task, cols } of groups) {
      const planned = data.cells.filter((c) => c.point === point && c.arm === arm && c.task === task).length;
      for (const split of SPLITS) {
        const s = data.summaries.find((x) => x.point === point && x.arm === arm && x.task === task && x.split === split);
        cells.push(planned === 0 ? 'n/a' : cell(s?.mean ?? null, s?.std ?? null, s?.n ?? 0, planned));
      }
      if (cols === 3) {
        const t = targets[arm]?.[task];
        // Targets are declared in percent; cell() takes fractions.
        cells.push(t ? cell(t.mean / 100, t.std === null ? null : t.std / 100, 1, 1) : '');
      }
    }
    lines.push(`${latexEscape(arm)} & ${cells.join(' & ')} \\\\`);
  }
  const where = data.experiment.points.length > 1 ? ` (sweep point ${latexEscape(point)})` : '';
  lines.push('\\bottomrule', '\\end{tabular}');
  lines.push(
    `\\caption{${latexEscape(data.experiment.name)}${where}: mean$_{\\pm \\mathrm{std}}$ (sample std) over fine-tuning seeds, $\\times 100$; ` +
      `superscript $(n/N)$ when only $n$ of $N$ seeds have a result.${withPaper.size ? " \\emph{paper}: the paper's RoBERTa numbers as declared." : ''}}`,
  );
  lines.push('\\end{table}');
  return lines.join('\n');
}

/** One booktabs table per sweep point. Needs `\usepackage{booktabs}`. */
export function renderLatex(data: ExperimentData): string {
  return data.experiment.points.map((p) => pointTable(data, p)).join('\n\n') + '\n';
}
