/** `dapt validate FILE…`: check experiment files; exit 0 when all are valid, 2 otherwise. */
import { formatIssues, issuesToJson, displayFile } from '../../config/format.ts';
import { loadExperiment } from '../../config/load.ts';
import { summarise, summaryLine } from '../../config/summary.ts';
import { UsageError } from '../../errors.ts';
import type { Command } from '../types.ts';

export const validate: Command = {
  name: 'validate',
  usage: 'validate FILE... [--json]',
  summary: 'check experiment files and report every problem with file:line:col',
  options: {
    json: { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io) {
    if (positionals.length === 0) throw new UsageError('validate needs at least one experiment file, e.g. `dapt validate experiments/*.yaml`');
    const json = values.json === true;
    const color = !json && (io.stdout as { isTTY?: boolean }).isTTY === true && io.env.NO_COLOR === undefined;
    const reports: Array<Record<string, unknown>> = [];
    let invalid = 0;
    for (const file of positionals) {
      const result = await loadExperiment(file, { cwd: io.cwd });
      const shown = displayFile(file, io.cwd);
      if (result.ok) {
        if (json) reports.push({ file: shown, ok: true, summary: summarise(result.experiment, io.cwd), points: result.experiment.points.map((p) => p.name), warnings: issuesToJson(result.warnings) });
        else {
          io.stdout.write(`ok: ${shown} (${summaryLine(result.experiment, io.cwd)})\n`);
          if (result.warnings.length > 0) io.stdout.write(`${formatIssues(result.warnings, { color, cwd: io.cwd, severity: 'warning' })}\n`);
        }
      } else {
        invalid++;
        if (json) reports.push({ file: shown, ok: false, issues: issuesToJson(result.issues) });
        else {
          const n = result.issues.length;
          io.stdout.write(`invalid: ${shown} (${n} problem${n === 1 ? '' : 's'})\n${formatIssues(result.issues, { color, cwd: io.cwd })}\n`);
        }
      }
    }
    if (json) io.stdout.write(`${JSON.stringify({ ok: invalid === 0, files: reports }, null, 2)}\n`);
    else if (positionals.length > 1) io.stdout.write(`${positionals.length - invalid} of ${positionals.length} files valid\n`);
    return invalid === 0 ? 0 : 2;
  },
};
