/**
 * The paper's own task files, as AllenAI released them for "Don't Stop Pretraining" (one directory
 * per task with train/dev/test JSON Lines of `{"text", "label", ...}`, the format dapt reads), and
 * the paper's domain corpora, which were never released as files.
 *
 * The release's sha256 and sizes are NOT recorded here: this catalogue was written on a machine
 * without access to the release host, and a hash that was not computed from the bytes would be
 * worse than none. The files are therefore unpinned (see DatasetFile.sha256): `dapt pull` prints
 * the sha256 each file had, to be pinned here once checked against a trusted download.
 */
import type { DatasetEntry, UnavailableEntry } from './types.ts';

export const PAPER_BASE = 'https://s3-us-west-2.amazonaws.com/allennlp/dont_stop_pretraining/data';

const SPLITS = ['train', 'dev', 'test'] as const;

/** `name` is the task's directory in dapt's data root; `release` its directory on the release host. */
function task(name: string, release: string, licence: string): DatasetEntry {
  return {
    name,
    kind: 'task',
    source: 'paper',
    licence,
    files: SPLITS.map((s) => ({ path: `tasks/${name}/${s}.jsonl`, url: `${release}/${s}.jsonl`, bytes: null, sha256: null })),
  };
}

export const PAPER_TASKS: DatasetEntry[] = [
  task('chemprot', 'chemprot', 'BioCreative VI ChemProt corpus terms (Krallinger et al. 2017)'),
  task('rct', 'rct-20k', 'PubMed 200k RCT, as released by Dernoncourt & Lee 2017'),
  task('rct_sample', 'rct-sample', 'PubMed 200k RCT, as released by Dernoncourt & Lee 2017 (500-example low-resource sample)'),
  task('citation_intent', 'citation_intent', 'ACL-ARC (Jurgens et al. 2018), distributed in allenai/scibert under Apache-2.0'),
  task('sciie', 'sciie', 'SciERC (Luan et al. 2018), distributed in allenai/scibert under Apache-2.0'),
  task('hyperpartisan', 'hyperpartisan_news', 'SemEval-2019 Task 4 by-article data (Kiesel et al. 2019), CC BY 4.0 on Zenodo'),
  task('ag', 'ag', "AG's corpus (Zhang et al. 2015): research and non-commercial use"),
  task('helpfulness', 'amazon', 'Amazon reviews (McAuley et al. 2015): research use, by request from the authors'),
  task('imdb', 'imdb', 'Large Movie Review Dataset (Maas et al. 2011): no licence stated; cite the paper'),
];

export const PAPER_CORPORA: UnavailableEntry[] = [
  { name: 's2orc_biomed', kind: 'corpus', licence: 'S2ORC: ODC-By 1.0', why: 'the paper\'s 2.68M biomedical papers are a filtered subset of S2ORC that was not released as files; get S2ORC from AllenAI (github.com/allenai/s2orc, by request/API), filter it, and point a corpus at the text' },
  { name: 's2orc_cs', kind: 'corpus', licence: 'S2ORC: ODC-By 1.0', why: 'the paper\'s 2.22M computer-science papers are a filtered subset of S2ORC that was not released as files; get S2ORC from AllenAI (github.com/allenai/s2orc, by request/API), filter it, and point a corpus at the text' },
  { name: 'realnews', kind: 'corpus', licence: 'RealNews (Zellers et al. 2019): research use, by request', why: 'RealNews is released only on request (github.com/rowanz/grover, a form); download it there and point a corpus at the text' },
  { name: 'amazon_reviews', kind: 'corpus', licence: 'Amazon reviews (He & McAuley 2016): research use, by request', why: 'the Amazon review corpus is released on request by its authors (nijianmo.github.io/amazon or cseweb.ucsd.edu/~jmcauley); download it there and point a corpus at the text' },
];
