/** Every name `dapt pull` knows: datasets by source, the paper's unreleased corpora, Hub models. */
import { didYouMean } from '../config/suggest.ts';
import { UsageError } from '../errors.ts';
import { MINI_PACK } from './mini-pack.ts';
import { PAPER_BASE, PAPER_CORPORA, PAPER_TASKS } from './paper.ts';
import type { DatasetEntry, Source, SourceName, UnavailableEntry } from './types.ts';

export const SOURCES: Record<SourceName, Source> = {
  paper: { name: 'paper', describe: "the paper's released task files (AllenAI)", base: PAPER_BASE },
  mini: { name: 'mini', describe: "dapt's miniature data pack (no public host: pull it from a --mirror)", base: null },
};

export const DATASETS: DatasetEntry[] = [...PAPER_TASKS, ...MINI_PACK];
export const UNAVAILABLE: UnavailableEntry[] = PAPER_CORPORA;

/** The Hub models of the paper and its baselines, listed by `--list`; any other Hub id works too. */
export const KNOWN_MODELS: Array<{ id: string; note: string }> = [
  { id: 'roberta-base', note: "the paper's starting point (MIT)" },
  { id: 'allenai/biomed_roberta_base', note: 'the paper\'s BioMed DAPT model' },
  { id: 'allenai/cs_roberta_base', note: "the paper's CS DAPT model" },
  { id: 'allenai/news_roberta_base', note: "the paper's News DAPT model" },
  { id: 'allenai/reviews_roberta_base', note: "the paper's Reviews DAPT model" },
  { id: 'bert-base-uncased', note: 'a BERT baseline (Apache-2.0)' },
];

export type Target = { kind: 'dataset'; entry: DatasetEntry } | { kind: 'unavailable'; entry: UnavailableEntry } | { kind: 'model'; id: string; revision: string };

/**
 * A name is a dataset, an unreleased corpus, or a Hub model written `hub:ID[@REVISION]` (or any
 * `owner/name[@REVISION]`, and the ids of KNOWN_MODELS bare). Anything else is a typo: did you mean?
 */
export function lookUp(name: string): Target {
  const d = DATASETS.find((e) => e.name === name);
  if (d) return { kind: 'dataset', entry: d };
  const u = UNAVAILABLE.find((e) => e.name === name);
  if (u) return { kind: 'unavailable', entry: u };
  const bare = name.startsWith('hub:') ? name.slice(4) : name;
  const [id = '', revision = 'main'] = bare.split('@');
  const ownerName = /^[\w.-]+\/[\w.-]+$/.test(id) && !DATASETS.some((e) => id.startsWith(e.name.split('/')[0]! + '/'));
  if (name.startsWith('hub:') || ownerName || KNOWN_MODELS.some((m) => m.id === id)) {
    if (!/^[\w.-]+(\/[\w.-]+)?$/.test(id) || revision === '') throw new UsageError(`"${name}" is not a Hub model id: write hub:OWNER/NAME[@REVISION]`);
    return { kind: 'model', id, revision };
  }
  const known = [...DATASETS.map((e) => e.name), ...UNAVAILABLE.map((e) => e.name), ...KNOWN_MODELS.map((m) => m.id)];
  const hint = didYouMean(name, known);
  throw new UsageError(`unknown dataset or model "${name}"${hint ? `; did you mean "${hint}"?` : ''} \`dapt pull --list\` shows every name; Hub models are written hub:OWNER/NAME[@REVISION].`);
}
