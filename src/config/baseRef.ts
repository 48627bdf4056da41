/**
 * `base: { experiment: base.yaml }`: use the base another experiment file declares, so both files
 * plan the identical base stage (same key) and it is trained once.
 */
import type { RawIssue } from './issues.ts';
import type { BaseSpec, ConfigIssue, ValidationResult } from './types.ts';

/** Reads a file referenced from `fromFile` (path relative to it); `error` says why it could not. */
export type RefResolver = (relPath: string, fromFile: string) => { text: string; file: string } | { error: string } | null;

export type Validator = (text: string, file: string, resolveRef: RefResolver, stack: string[]) => ValidationResult;

export type BaseRefResult = { ok: true; base: BaseSpec; warnings: ConfigIssue[] } | { ok: false; issue: RawIssue; nested: ConfigIssue[] };

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => a.localeCompare(b))) : val,
  );
}

export function resolveBaseRef(rel: string, fromFile: string, stack: string[], resolveRef: RefResolver, validate: Validator): BaseRefResult {
  const path = ['base', 'experiment'];
  const got = resolveRef(rel, fromFile);
  if (got === null || 'error' in got) {
    const why = got && 'error' in got ? got.error : 'no such file';
    return { ok: false, issue: { code: 'base-unreadable', path, message: `cannot read the referenced experiment "${rel}": ${why}`, expected: 'a readable experiment file, relative to this one', found: rel }, nested: [] };
  }
  if (stack.includes(got.file)) {
    const chain = [...stack.slice(stack.indexOf(got.file)), got.file].map((f) => f.replace(/^.*[\\/]/, '')).join(' -> ');
    return { ok: false, issue: { code: 'base-cycle', path, message: `base references form a cycle (${chain}); one file must declare its own base`, found: rel }, nested: [] };
  }
  const result = validate(got.text, got.file, resolveRef, [...stack, got.file]);
  if (!result.ok) {
    const n = result.issues.length;
    return { ok: false, issue: { code: 'base-invalid', path, message: `the referenced experiment "${rel}" is invalid (${n} problem${n === 1 ? '' : 's'}, listed with its file name)`, found: rel }, nested: result.issues };
  }
  const bases = result.experiment.points.map((p) => p.spec.base);
  const first = bases[0]!;
  if (bases.some((b) => canonical(b) !== canonical(first))) {
    return { ok: false, issue: { code: 'base-ambiguous', path, message: `"${rel}" sweeps its base, so it does not declare one base to reuse; point at a file with a single base`, found: rel }, nested: [] };
  }
  return { ok: true, base: first.from === null ? { ...first, from: got.file } : first, warnings: result.warnings };
}
