/** Issues as text and JSON, and the data-root precedence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayFile, formatIssues, issuesToJson, resolveDataRoot } from '../../src/config/index.ts';
import type { ConfigIssue, Experiment } from '../../src/config/types.ts';

const issue: ConfigIssue = {
  code: 'unknown-key',
  path: ['defaults', 'masking', 'probabilty'],
  message: 'unknown key "probabilty" in defaults.masking',
  file: '/repo/experiments/x.yaml',
  line: 3,
  col: 14,
  expected: 'one of: probability, schedule',
  found: 'probabilty',
  suggestion: 'probability',
  excerpt: '  masking: { probabilty: 0.2 }',
};

test('one block per issue: location, message, code, path, expected/found, caret, suggestion', () => {
  const text = formatIssues([issue, { ...issue, line: 4, suggestion: undefined, expected: undefined, found: undefined, excerpt: undefined, path: [] }], { cwd: '/repo' });
  const [first, second] = text.split('\n\n');
  assert.equal(first, [
    'experiments/x.yaml:3:14: error: unknown key "probabilty" in defaults.masking [unknown-key]',
    '  at:       defaults.masking.probabilty',
    '  expected: one of: probability, schedule',
    '  found:    probabilty',
    '   3 |   masking: { probabilty: 0.2 }',
    '     |              ^',
    '  did you mean "probability"?',
  ].join('\n'));
  assert.equal(second, 'experiments/x.yaml:4:14: error: unknown key "probabilty" in defaults.masking [unknown-key]');
  assert.doesNotMatch(text, /\u001b\[/);
  assert.match(formatIssues([issue], { color: true }), /\u001b\[31merror/);
  assert.match(formatIssues([issue], { severity: 'warning' }), /: warning: /);
});

test('the caret follows tabs in the source line', () => {
  const text = formatIssues([{ ...issue, col: 3, excerpt: '\t\tx: 1' }]);
  assert.match(text, /\n {5}\| \t\t\^/);
});

test('JSON output keeps every field and adds the path as text', () => {
  const [j] = issuesToJson([{ ...issue, path: ['arms', 'a', 0, 'dapt'] }]);
  assert.equal(j!.pathText, 'arms.a[0].dapt');
  assert.deepEqual(j!.path, ['arms', 'a', 0, 'dapt']);
  assert.equal(j!.line, 3);
  assert.equal(JSON.parse(JSON.stringify(j)).suggestion, 'probability');
});

test('file names are shown relative to the working directory when inside it', () => {
  assert.equal(displayFile('/repo/a/b.yaml', '/repo'), 'a/b.yaml');
  assert.equal(displayFile('/elsewhere/b.yaml', '/repo'), '/elsewhere/b.yaml');
  assert.equal(displayFile('rel/b.yaml', '/repo'), 'rel/b.yaml');
});

test('data root: --data-root > DAPT_DATA > the file\'s data_root > ../shared/data', () => {
  const experiment = { dataRoot: '/from/file' } as Experiment;
  const cwd = '/work/main';
  assert.equal(resolveDataRoot({ flag: 'flag/dir', env: { DAPT_DATA: '/env' }, experiment, cwd }), '/work/main/flag/dir');
  assert.equal(resolveDataRoot({ env: { DAPT_DATA: 'env/dir' }, experiment, cwd }), '/work/main/env/dir');
  assert.equal(resolveDataRoot({ env: { DAPT_DATA: '' }, experiment, cwd }), '/from/file');
  assert.equal(resolveDataRoot({ env: {}, experiment: { dataRoot: null } as Experiment, cwd }), '/work/shared/data');
  assert.equal(resolveDataRoot({ env: {}, cwd }), '/work/shared/data');
});
