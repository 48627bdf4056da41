/**
 * The planner is pure: src/plan/** may import only itself, the config types, the error classes
 * and node:crypto (hashing). No file system, no TF.js, no MLflow, no execa — checked here by
 * reading every import (static, re-export, dynamic, require) with TypeScript's own pre-parser.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const planDir = join(root, 'src/plan');
const allowedModules = new Set(['node:crypto']);
const allowedFiles = new Set([join(root, 'src/config/types.ts'), join(root, 'src/errors.ts')]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sourceFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const requires = [...text.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return [...new Set([...info.importedFiles.map((f) => f.fileName), ...requires])];
}

function violation(file: string, spec: string): string | null {
  if (spec.startsWith('.')) {
    const target = resolve(dirname(file), spec);
    if (target.startsWith(planDir + '/') || allowedFiles.has(target)) return null;
    return `${relative(root, file)} imports ${relative(root, target)}`;
  }
  return allowedModules.has(spec) ? null : `${relative(root, file)} imports ${spec}`;
}

describe('src/plan is pure', () => {
  it('finds the imports it must police (the scanner works)', () => {
    const probe = `import { readFile } from 'node:fs';\nimport type { X } from '../x.ts';\nexport * from "./y.ts";\nconst m = await import('execa');\nconst r = require('@tensorflow/tfjs-core');`;
    assert.deepEqual(importsOf(probe).sort(), ['../x.ts', './y.ts', '@tensorflow/tfjs-core', 'execa', 'node:fs'].sort());
    assert.ok(violation(join(planDir, 'a.ts'), 'node:fs'));
    assert.ok(violation(join(planDir, 'a.ts'), '../execute/store.ts'));
    assert.equal(violation(join(planDir, 'render/a.ts'), '../types.ts'), null);
  });

  const files = sourceFiles(planDir);
  it('has files to check', () => assert.ok(files.length >= 5));
  for (const file of files) {
    it(relative(root, file), () => {
      const problems = importsOf(readFileSync(file, 'utf8'))
        .map((s) => violation(file, s))
        .filter((v): v is string => v !== null);
      assert.deepEqual(problems, []);
    });
  }
});
