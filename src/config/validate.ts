/**
 * Text -> validated Experiment, or every issue at once. Pure: files referenced by the experiment
 * come through `resolveRef`, so tests need no disk.
 *
 * Order: parse (syntax, duplicate keys, shape) -> schema + cross-field rules on the file as
 * written (the file without its sweep must be valid by itself) -> each sweep point: overrides
 * applied, schema + rules again, issues reported at the sweep value that caused them -> normalise.
 */
import { baselineArmOf, dataRootOf, executionOf, experimentName, normalisePoint, ownBase, targetsOf } from './normalise/index.ts';
import { resolveBaseRef, type RefResolver } from './baseRef.ts';
import type { RawIssue } from './issues.ts';
import { Locator } from './locate.ts';
import { parseExperimentText } from './parse.ts';
import { startsWith } from './paths.ts';
import { documentRules, sweepRules } from './rules/index.ts';
import { experimentSchema } from './schema.ts';
import { schemaIssues } from './schemaIssues.ts';
import { expandSweep, type Override } from './sweep/expand.ts';
import { setPath } from './sweep/paths.ts';
import type { BaseSpec, ConfigIssue, Experiment, HubResolver, SweepPoint, ValidationResult } from './types.ts';
import { formatPath } from './paths.ts';
import { InternalError } from '../errors.ts';
import { rec, str, type Raw } from './view.ts';

export type { RefResolver } from './baseRef.ts';

export interface ValidateOptions {
  /** When given, a `base: {checkpoint}` directory it reports missing becomes a warning. */
  checkpointExists?: (absDir: string) => boolean;
  /** Finds `base: {hub}` models in the Hub cache; without it their path only names them. */
  resolveHub?: HubResolver;
  /** Files being validated above this one (cycle detection for base references). */
  stack?: string[];
}

const SCHEMA_RANGE_CODES = new Set(['out-of-range']);

/** Schema issues plus rule issues; where both speak about one place, the rule's message wins. */
function checkDocument(doc: unknown, withSweep: boolean): RawIssue[] {
  const { validate, schema } = experimentSchema();
  const valid = validate(doc);
  const fromSchema = valid ? [] : schemaIssues(validate.errors, doc, schema);
  const fromRules: RawIssue[] = [];
  for (const rule of withSweep ? [...documentRules, ...sweepRules] : documentRules) {
    try {
      fromRules.push(...rule.check(doc));
    } catch (e) {
      // Rules read defensively; a crash on a schema-valid document is a bug, on an invalid one it is noise.
      if (valid) throw new InternalError(`config rule ${rule.name} failed`, e);
    }
  }
  const rulePaths = new Set(fromRules.map((i) => formatPath(i.path)));
  return [...fromSchema.filter((i) => !(SCHEMA_RANGE_CODES.has(i.code) && rulePaths.has(formatPath(i.path)))), ...fromRules];
}

function sortIssues(issues: ConfigIssue[], file: string): ConfigIssue[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const k = `${i.file}\u0000${i.line}\u0000${i.col}\u0000${i.code}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => Number(a.file !== file) - Number(b.file !== file) || a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
}

/** The override a point issue comes from: the one whose path contains, or is inside, the issue's path. */
function culprit(issue: RawIssue, overrides: Override[]): Override | undefined {
  let best: Override | undefined;
  for (const o of overrides) {
    const segs = o.path.split('.');
    if (startsWith(issue.path, segs) || startsWith(segs, issue.path)) if (!best || segs.length > best.path.split('.').length) best = o;
  }
  return best;
}

export function validateExperimentText(text: string, file: string, resolveRef: RefResolver, opts: ValidateOptions = {}): ValidationResult {
  const stack = opts.stack ?? [file];
  const parsed = parseExperimentText(text, file);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const locator = new Locator(parsed.parsed);
  let doc: Raw;
  try {
    doc = parsed.parsed.doc.toJS({ maxAliasCount: 1000 }) as Raw;
  } catch (e) {
    return { ok: false, issues: [locator.locate({ code: 'yaml-alias', path: [], message: `cannot expand the YAML aliases: ${(e as Error).message}` })] };
  }
  const warnings: ConfigIssue[] = [...parsed.warnings];
  const issues: ConfigIssue[] = checkDocument(doc, true).map((i) => locator.locate(i));

  // A referenced base is read once per distinct path, even when a sweep changes it.
  const baseCache = new Map<string, BaseSpec | null>();
  const baseFor = (d: Raw, where?: Override): BaseSpec | null => {
    const rel = str(rec(d.base).experiment);
    if (rel === undefined) return ownBase(d, file, opts.resolveHub);
    if (baseCache.has(rel)) return baseCache.get(rel)!;
    const r = resolveBaseRef(rel, file, stack, resolveRef, (t, f, res, st) => validateExperimentText(t, f, res, { ...opts, stack: st }));
    if (r.ok) warnings.push(...r.warnings);
    else issues.push(locator.locate(r.issue, where ? { path: where.source } : undefined), ...r.nested);
    baseCache.set(rel, r.ok ? r.base : null);
    return r.ok ? r.base : null;
  };
  if (issues.length === 0) baseFor(doc);
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues, file) };

  const { sweep: _sweep, ...withoutSweep } = doc;
  const points: SweepPoint[] = [];
  // One issue per place however many points share it; the message names the points.
  const pointIssues = new Map<string, { issue: ConfigIssue; points: string[] }>();
  for (const draft of expandSweep(doc.sweep)) {
    let pointDoc: Raw = withoutSweep;
    if (draft.overrides.length > 0) {
      pointDoc = structuredClone(withoutSweep);
      for (const o of draft.overrides) setPath(pointDoc, o.path, o.value);
      const found = checkDocument(pointDoc, false);
      for (const i of found) {
        const o = culprit(i, draft.overrides);
        const located = locator.locate(i, o ? { path: o.source } : undefined);
        const key = `${located.line}\u0000${located.col}\u0000${located.code}\u0000${located.message}`;
        const seen = pointIssues.get(key);
        if (seen) seen.points.push(draft.name);
        else pointIssues.set(key, { issue: located, points: [draft.name] });
      }
      if (found.length > 0) continue;
    }
    const baseOverride = draft.overrides.find((o) => o.path === 'base' || o.path.startsWith('base.'));
    const base = baseFor(pointDoc, baseOverride);
    if (base === null) continue;
    points.push({ name: draft.name, overrides: draft.overrides.map((o) => ({ path: o.path, value: o.value })), spec: normalisePoint(pointDoc, base) });
  }
  for (const { issue, points: names } of pointIssues.values()) {
    const which = names.length === 1 ? `sweep point "${names[0]}"` : `sweep points "${names[0]}" and ${names.length - 1} more`;
    issues.push({ ...issue, message: `${issue.message} (${which})` });
  }
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues, file) };

  if (opts.checkpointExists) {
    const reported = new Set<string>();
    for (const p of points) {
      const b = p.spec.base;
      // A referenced file's own validation already warned at its `checkpoint:` line.
      if (b.kind !== 'checkpoint' || b.from !== null || reported.has(b.path) || opts.checkpointExists(b.path)) continue;
      reported.add(b.path);
      const message = b.hub
        ? `the Hub model ${b.hub.id}@${b.hub.revision} is not in the Hub cache; \`dapt pull hub:${b.hub.id}@${b.hub.revision}\` fetches it (\`dapt plan\` and \`dapt run\` need it)`
        : `the base checkpoint ${b.path} does not exist (or has no config.json) on this machine; \`dapt plan\` and \`dapt run\` will need it`;
      warnings.push(locator.locate({ code: 'checkpoint-not-found', path: ['base', b.hub ? 'hub' : 'checkpoint'], message }));
    }
  }

  const experiment: Experiment = {
    name: experimentName(doc, file),
    description: str(doc.description) ?? null,
    file,
    dataRoot: dataRootOf(doc, file),
    points,
    targets: targetsOf(doc),
    baselineArm: baselineArmOf(doc),
    execution: executionOf(doc),
  };
  return { ok: true, experiment, warnings: sortIssues(warnings, file) };
}
