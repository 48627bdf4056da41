/**
 * The JSON plan of a small experiment, pinned. A diff here means stage keys changed: every user's
 * finished stages would rerun. That must be deliberate (and then STAGE_FORMAT_VERSION usually
 * bumps), so review the snapshot diff before updating it with UPDATE_SNAPSHOTS=1.
 */
import { describe, it } from 'node:test';
import { planExperiment } from '../../src/plan/index.ts';
import { planRenderers } from '../../src/plan/render/index.ts';
import { arm, catalogFor, corpus, dapt, experiment, finetune, phase, spec, tapt, task } from './fixtures.ts';
import { matchSnapshot } from './snapshot.ts';

describe('plan snapshots', () => {
  it('a small study: baseline, DAPT, DAPT+TAPT, RAND size-matched to kNN, 2 seeds', async () => {
    const e = experiment(
      'small',
      spec({
        corpora: [corpus('biomed'), corpus('pool', 'corpora/pool')],
        tasks: [task('chemprot', { metric: 'micro_f1' })],
        arms: [
          arm('baseline', [], ['chemprot']),
          arm('dapt', [dapt('biomed')], ['chemprot']),
          arm('dapt_tapt', [dapt('biomed'), tapt()], ['chemprot']),
          arm('knn', [phase('knn', { type: 'knn_tapt', pool: 'pool', k: 4, embedder: { kind: 'tfidf', dims: 64, vocabulary: 'hashed', sublinearTf: true }, includeTaskText: true })], ['chemprot']),
          arm('rand', [phase('rand', { type: 'rand_tapt', pool: 'pool', k: 4, seed: 1, sizeMatch: 'knn', includeTaskText: true })], ['chemprot']),
        ],
        finetune: finetune([1, 2]),
        mlmEvaluation: [corpus('biomed')],
      }),
      undefined,
      { file: '/study/small.yaml', targets: { dapt: { chemprot: { mean: 84.2, std: 0.2 } } } },
    );
    const plan = planExperiment(e, catalogFor([e]));
    await matchSnapshot('small-plan', JSON.parse(planRenderers.json(plan)));
  });
});
