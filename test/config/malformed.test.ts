/**
 * Every file in test/config/malformed/ must be rejected with exactly the issues its first line
 * declares (`# expect: code line:col, code other-file:line:col, ...`), in-process and through
 * the real CLI (exit 2, no stack trace). Non-text files are generated here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { displayFile, loadExperiment } from '../../src/config/index.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = fileURLToPath(new URL('./malformed/', import.meta.url));

interface Expected {
  code: string;
  /** Absolute file the issue is in. */
  file: string;
  line: number;
  col: number;
}

function parseExpectations(file: string): Expected[] {
  const first = readFileSync(file, 'utf8').split('\n')[0] ?? '';
  const m = /^# expect: (.+)$/.exec(first);
  assert.ok(m, `${file} must start with "# expect: ..."`);
  return m[1]!.split(', ').map((entry) => {
    const e = /^([a-z-]+) (?:(.+):)?(\d+):(\d+)$/.exec(entry.trim());
    assert.ok(e, `bad expectation "${entry}" in ${file}`);
    return { code: e[1]!, file: e[2] ? join(dir, e[2]) : file, line: Number(e[3]), col: Number(e[4]) };
  });
}

// Generated cases: not text, missing, a directory.
const scratch = mkdtempSync(join(tmpdir(), 'dapt-malformed-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const generated: Array<{ file: string; expected: Expected[] }> = [];
function gen(name: string, bytes: Uint8Array | null, code: string): void {
  const file = join(scratch, name);
  if (bytes) writeFileSync(file, bytes);
  generated.push({ file, expected: [{ code, file, line: 1, col: 1 }] });
}
gen('nul-bytes.yaml', Buffer.concat([Buffer.from('name: x\nbase: { checkpoint: c }\n'), Buffer.from([0, 0, 1, 2])]), 'file-not-text');
gen('latin1.yaml', Buffer.from('name: caf\xe9\nbase: { checkpoint: c }\n', 'latin1'), 'file-not-text');
{
  let s = 12345;
  const noise = Buffer.alloc(512, 0).map(() => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) & 0xff);
  gen('random-garbage.yaml', noise, 'file-not-text');
}
gen('does-not-exist.yaml', null, 'file-not-found');
mkdirSync(join(scratch, 'a-directory.yaml'));
generated.push({ file: join(scratch, 'a-directory.yaml'), expected: [{ code: 'file-unreadable', file: join(scratch, 'a-directory.yaml'), line: 1, col: 1 }] });

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => {
    const file = join(dir, f);
    // A zero-byte file cannot carry its expectation.
    const expected = f === 'empty.yaml' ? [{ code: 'file-empty', file, line: 1, col: 1 }] : parseExpectations(file);
    return { file, expected };
  });
const cases = [...fixtures, ...generated];

test('there are at least 40 malformed experiment files', () => {
  assert.ok(fixtures.length >= 40, `only ${fixtures.length} fixtures`);
});

for (const { file, expected } of cases) {
  test(`rejects ${relative(root, file).replace(scratch, '<tmp>')} with its located issues`, async () => {
    const result = await loadExperiment(file);
    assert.equal(result.ok, false, 'must be invalid');
    if (result.ok) return;
    const got = result.issues.map((i) => ({ code: i.code, file: i.file, line: i.line, col: i.col }));
    assert.deepEqual(got, expected);
    for (const i of result.issues) {
      assert.ok(i.message.length > 10, `issue ${i.code} needs a real message`);
      assert.ok(Array.isArray(i.path));
    }
  });
}

test('the CLI rejects every malformed file with exit 2 and no stack trace (--json)', async () => {
  const files = cases.map((c) => relative(root, c.file));
  const r = await execa('node', ['bin/dapt.js', 'validate', '--json', ...files], { cwd: root, reject: false });
  assert.equal(r.exitCode, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s{4}at /m);
  const out = JSON.parse(r.stdout) as { ok: boolean; files: Array<{ file: string; ok: boolean; issues: Array<{ code: string; line: number; col: number; file: string }> }> };
  assert.equal(out.ok, false);
  assert.equal(out.files.length, cases.length);
  out.files.forEach((f, i) => {
    const c = cases[i]!;
    assert.equal(f.ok, false, f.file);
    assert.deepEqual(
      f.issues.map((x) => [x.code, x.line, x.col]),
      c.expected.map((e) => [e.code, e.line, e.col]),
      f.file,
    );
  });
});

test('the CLI prints every located issue for humans, exits 2, no stack trace', async () => {
  const files = cases.map((c) => relative(root, c.file));
  const r = await execa('node', ['bin/dapt.js', 'validate', ...files], { cwd: root, reject: false });
  assert.equal(r.exitCode, 2);
  assert.doesNotMatch(r.stdout + r.stderr, /^\s{4}at /m);
  assert.doesNotMatch(r.stdout + r.stderr, /internal error/);
  for (const c of cases) {
    const shown = relative(root, c.file);
    assert.ok(r.stdout.includes(`invalid: ${shown} (`), `no verdict for ${shown}`);
    for (const e of c.expected) {
      const where = `${displayFile(e.file, root)}:${e.line}:${e.col}: error: `;
      assert.ok(r.stdout.includes(where), `missing "${where}"`);
    }
  }
  assert.match(r.stdout, new RegExp(`0 of ${cases.length} files valid`));
});
