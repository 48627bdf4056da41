/** The reference row, the probe rows, convergence flags and verdicts in report.md and report.json. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { generateReport, type ReportResult } from '../../src/report/index.ts';
import { type Fixture, makeFixture, runAggregate } from './_fixture.ts';

function mdRow(md: string, caption: string, first: string): string[] {
  const section = md.slice(md.indexOf(caption));
  const line = section.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `no row "${first}" under "${caption}"`);
  return line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
}

for (const aggregated of [true, false]) {
  describe(`report with reference, probes and claims (${aggregated ? 'from results.json' : 'from the stages'})`, () => {
    let f: Fixture;
    let out: ReportResult;
    let md: string;
    before(async () => {
      f = makeFixture({ partial: false, linear: true });
      if (aggregated) await runAggregate(f);
      out = await generateReport({ plan: f.plan, storeDir: f.storeDir });
      md = readFileSync(out.markdownPath, 'utf8');
    });
    after(() => f.cleanup());

    it('puts the reference row in the results table, one number per split', () => {
      assert.deepEqual(mdRow(md, '**Results**', 'reference (TF-IDF + LR)'), ['reference (TF-IDF + LR)', '70.0', '65.0', '', '70.0', '65.0']);
    });

    it('shows each arm\'s probes, per pooling, beside the reference', () => {
      assert.deepEqual(mdRow(md, 'Linear probes', 'dapt').slice(0, 4), ['dapt', 'mean-pooled', '55.0', '50.0']);
      const caption = md.slice(md.indexOf('Linear probes'));
      assert.ok(caption.split('\n').some((l) => l.startsWith('| roberta | [CLS] | 40.0 | 35.0 |')));
    });

    it('flags runs that used every epoch as not converged', () => {
      // Fixture runs: 3 epochs, best epoch 2, patience 3: early stopping could not end them.
      assert.deepEqual(mdRow(md, '**Fine-tuning convergence**', 'dapt').slice(0, 7), ['dapt', 'chemprot', '3', '0', '3 (seeds 1, 2, 3)', '2, 2, 2', '3']);
      assert.match(md, /Not converged \(every epoch used.*dapt \/ chemprot 3 of 3/);
    });

    it('gives one verdict per claim and task, with the MDE and the probe difference', () => {
      // acl test: d = [.06,.05,.10], p = 0.044 → supported. chemprot test: d = [.02,.01,.05], p = 0.157 → inconclusive, MDE 6.8.
      const acl = mdRow(md, "The paper's claims", 'DAPT > base').join(' | ');
      const rows = md.slice(md.indexOf("The paper's claims")).split('\n').filter((l) => l.startsWith('| DAPT > base |'));
      assert.equal(rows.length, 2, acl);
      assert.match(rows.find((r) => r.includes('| chemprot |'))!, /\| \+2\.7 \| 3 \(1, 2, 3\) \| 0\.157 \| 6\.8 \| \+5\.0 \| \+2\.5 \| inconclusive at MDE 6\.8 \|/);
      assert.match(rows.find((r) => r.includes('| acl |'))!, /\| \+7\.0 \| 3 \(1, 2, 3\) \| 0\.044 \| 8\.6 \| \+5\.0 \| \+2\.5 \| supported \|/);
      assert.match(md, /with 3 pairs the exact two-sided Wilcoxon test cannot go below p = 0\.250/);
    });

    it('writes the same in report.json', () => {
      const doc = JSON.parse(readFileSync(out.reports[0]!.jsonPath, 'utf8'));
      assert.equal(doc.source, aggregated ? 'results.json' : 'stages');
      assert.deepEqual(doc.references.map((r: { task: string; score: { test: number } }) => [r.task, r.score.test]), [['chemprot', 0.65], ['acl', 0.65]]);
      assert.equal(doc.probes.length, 4);
      assert.deepEqual(doc.verdicts.map((v: { task: string; verdict: string }) => [v.task, v.verdict]), [['chemprot', 'inconclusive'], ['acl', 'supported']]);
      assert.equal(doc.convergence.length, 4);
      assert.ok(doc.comparisons.every((c: { mde: number | null }) => c.mde === null || c.mde > 0));
    });
  });
}
