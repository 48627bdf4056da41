import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { resolveDataRoot } from '../../src/config/index.ts';
import { initBackend } from '../../src/train/backend/index.ts';
import { loadHfCheckpoint } from '../../src/train/checkpoint/hf-dir.ts';
import { readSafetensors } from '../../src/train/checkpoint/safetensors.ts';
import { buildExamples } from '../../src/train/data/examples.ts';
import { maskVocabulary } from '../../src/train/data/masking.ts';
import { evaluateMlm } from '../../src/train/mlm/evaluate.ts';
import { toHfConfig } from '../../src/train/model/config.ts';
import { encode, encodeRows, firstTokenRows } from '../../src/train/model/encoder.ts';
import { classifierLogits, mlmLogits } from '../../src/train/model/heads.ts';
import { buildModel, disposeModel, type EncoderModel } from '../../src/train/model/model.ts';
import { getTrainOps } from '../../src/train/ops/index.ts';
import type { TrainOps } from '../../src/train/ops/types.ts';
import { inputTensors } from '../../src/train/step.ts';
import { tokenizeDocuments } from '../../src/train/tokenize/token-cache.ts';
import { exercised, skipOrFail } from '../_required.ts';
import { tempDir, tinyConfig, writeTinyCheckpoint } from './_fixtures.ts';

// State-dict keys and shapes as HF's modeling_bert.py / modeling_roberta.py define them
// (BertEmbeddings, BertSelfAttention, BertSelfOutput, BertIntermediate, BertOutput, BertPooler,
// BertLMPredictionHead with decoder tied; RobertaLMHead; RobertaClassificationHead), for one
// layer with hidden H, intermediate I, vocabulary V, positions P, type vocabulary T, C labels.
function hfLayer(prefix: string, h: number, i: number): Array<[string, number[]]> {
  const l = `${prefix}.encoder.layer.0`;
  return [
    [`${l}.attention.self.query.weight`, [h, h]],
    [`${l}.attention.self.query.bias`, [h]],
    [`${l}.attention.self.key.weight`, [h, h]],
    [`${l}.attention.self.key.bias`, [h]],
    [`${l}.attention.self.value.weight`, [h, h]],
    [`${l}.attention.self.value.bias`, [h]],
    [`${l}.attention.output.dense.weight`, [h, h]],
    [`${l}.attention.output.dense.bias`, [h]],
    [`${l}.attention.output.LayerNorm.weight`, [h]],
    [`${l}.attention.output.LayerNorm.bias`, [h]],
    [`${l}.intermediate.dense.weight`, [i, h]],
    [`${l}.intermediate.dense.bias`, [i]],
    [`${l}.output.dense.weight`, [h, i]],
    [`${l}.output.dense.bias`, [h]],
    [`${l}.output.LayerNorm.weight`, [h]],
    [`${l}.output.LayerNorm.bias`, [h]],
  ];
}

function hfEmbeddings(prefix: string, v: number, h: number, p: number, t: number): Array<[string, number[]]> {
  return [
    [`${prefix}.embeddings.word_embeddings.weight`, [v, h]],
    [`${prefix}.embeddings.position_embeddings.weight`, [p, h]],
    [`${prefix}.embeddings.token_type_embeddings.weight`, [t, h]],
    [`${prefix}.embeddings.LayerNorm.weight`, [h]],
    [`${prefix}.embeddings.LayerNorm.bias`, [h]],
  ];
}

function expectedBertMlm(v: number, h: number, i: number, p: number, t: number): Array<[string, number[]]> {
  return [
    ...hfEmbeddings('bert', v, h, p, t),
    ...hfLayer('bert', h, i),
    ['cls.predictions.bias', [v]],
    ['cls.predictions.transform.dense.weight', [h, h]],
    ['cls.predictions.transform.dense.bias', [h]],
    ['cls.predictions.transform.LayerNorm.weight', [h]],
    ['cls.predictions.transform.LayerNorm.bias', [h]],
  ];
}

function expectedRobertaClassifier(v: number, h: number, i: number, p: number, t: number, c: number): Array<[string, number[]]> {
  return [
    ...hfEmbeddings('roberta', v, h, p, t),
    ...hfLayer('roberta', h, i),
    ['classifier.dense.weight', [h, h]],
    ['classifier.dense.bias', [h]],
    ['classifier.out_proj.weight', [c, h]],
    ['classifier.out_proj.bias', [c]],
  ];
}

const sorted = (list: Array<[string, number[]]>): string[] => list.map(([n, s]) => `${n} [${s}]`).sort();

let ops: TrainOps;
before(async () => {
  await initBackend('wasm');
  ops = getTrainOps();
});

function forward(model: EncoderModel, ids: number[][]): { hidden: Float32Array; logits: Float32Array } {
  return tf.tidy(() => {
    const b = ids.length;
    const s = ids[0]!.length;
    const batch = { batchSize: b, seqLen: s, ids: Int32Array.from(ids.flat()), keyMask: new Float32Array(b * s).fill(1), positionIds: null as Int32Array | null };
    if (model.config.modelType === 'roberta') batch.positionIds = Int32Array.from(ids.flatMap((row) => row.map((_, j) => model.config.padTokenId + 1 + j)));
    const inputs = inputTensors(batch);
    const hidden = encode(ops, model, inputs, null);
    const rows = model.head === 'mlm' ? tf.tensor1d([0, 3, s + 1], 'int32') : firstTokenRows(b, s);
    const selected = encodeRows(ops, model, inputs, null, rows);
    // the last layer computed only at the rows a head reads gives those rows' full-pass values
    const full = tf.gather(tf.reshape(hidden, [b * s, -1]), rows);
    const gap = tf.max(tf.abs(tf.sub(selected, full))).dataSync()[0]!;
    if (gap > 1e-5) throw new Error(`encodeRows differs from encode by ${gap}`);
    const logits = model.head === 'mlm' ? mlmLogits(ops, model, selected) : classifierLogits(ops, model, selected, null);
    return { hidden: hidden.dataSync() as Float32Array, logits: logits.dataSync() as Float32Array };
  });
}

describe('HF parameter names and shapes', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  it('BertForMaskedLM: the state dict HF defines, decoder tied and not stored', async () => {
    const cfg = { ...tinyConfig('bert'), numLayers: 1 };
    const { model } = buildModel(cfg, 'mlm', null, 1);
    const out = join(dir, 'bert-mlm');
    const { saveHfCheckpoint } = await import('../../src/train/checkpoint/hf-dir.ts');
    const { toyTokenizer } = await import('./_fixtures.ts');
    await saveHfCheckpoint(out, model, toyTokenizer('bert'), 32);
    const stored = readSafetensors(join(out, 'model.safetensors')).tensors;
    const actual: Array<[string, number[]]> = [...stored].map(([n, t]) => [n, t.shape]);
    assert.deepEqual(sorted(actual), sorted(expectedBertMlm(cfg.vocabSize, 32, 64, 64, 2)));
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config.architectures, ['BertForMaskedLM']);
    assert.equal(config.tie_word_embeddings, true);
    disposeModel(model);
  });

  it('RobertaForSequenceClassification: no pooler, classifier.dense + out_proj, positions offset by padding_idx', () => {
    const cfg = { ...tinyConfig('roberta', ['a', 'b', 'c']), numLayers: 1 };
    const { model } = buildModel(cfg, 'classifier', null, 1);
    const actual: Array<[string, number[]]> = model.specs.map((s) => [s.name, s.hfTransposed ? [...s.shape].reverse() : s.shape]);
    // RoBERTa reserves padding_idx + 1 positions before the first token
    assert.equal(cfg.maxPositions, 64 + cfg.padTokenId + 1);
    assert.deepEqual(sorted(actual), sorted(expectedRobertaClassifier(cfg.vocabSize, 32, 64, cfg.maxPositions, 1, 3)));
    assert.deepEqual((toHfConfig(cfg).id2label as Record<string, string>)['2'], 'c');
    disposeModel(model);
  });

  it('BERT classifier: pooler + classifier; RoBERTa MLM head: lm_head.*', () => {
    const bert = buildModel({ ...tinyConfig('bert', ['x', 'y']), numLayers: 1 }, 'classifier', null, 1).model;
    assert.deepEqual(
      bert.specs.filter((s) => s.role === 'classifier').map((s) => s.name),
      ['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias'],
    );
    const roberta = buildModel({ ...tinyConfig('roberta'), numLayers: 1 }, 'mlm', null, 1).model;
    assert.deepEqual(
      roberta.specs.filter((s) => s.role === 'mlmHead').map((s) => s.name),
      ['lm_head.dense.weight', 'lm_head.dense.bias', 'lm_head.layer_norm.weight', 'lm_head.layer_norm.bias', 'lm_head.bias'],
    );
    disposeModel(bert);
    disposeModel(roberta);
  });

  it('initialises as BERT: std 0.02 weights, zero biases and padding row, unit LayerNorm', async () => {
    const cfg = tinyConfig('bert');
    const { model } = buildModel(cfg, 'mlm', null, 5);
    const values = async (name: string) => (await model.params.get(name)!.data()) as Float32Array;
    const w = await values('bert.encoder.layer.0.intermediate.dense.weight');
    const std = Math.sqrt(w.reduce((a, x) => a + x * x, 0) / w.length);
    assert.ok(Math.abs(std - 0.02) < 0.002, `std ${std}`);
    assert.ok((await values('bert.encoder.layer.0.intermediate.dense.bias')).every((x) => x === 0));
    assert.ok((await values('bert.embeddings.LayerNorm.weight')).every((x) => x === 1));
    const emb = await values('bert.embeddings.word_embeddings.weight');
    assert.ok(emb.subarray(cfg.padTokenId * 32, cfg.padTokenId * 32 + 32).every((x) => x === 0));
    disposeModel(model);
  });
});

describe('save → load', () => {
  const { dir, cleanup } = tempDir();
  after(cleanup);

  for (const [modelType, head] of [['bert', 'mlm'], ['roberta', 'mlm'], ['bert', 'classifier'], ['roberta', 'classifier']] as const) {
    it(`${modelType} ${head}: identical outputs after a round trip`, async () => {
      const out = await writeTinyCheckpoint(join(dir, `${modelType}-${head}`), modelType, head, 11);
      const ckpt = loadHfCheckpoint(out);
      const a = buildModel(ckpt.config, head, ckpt.weights, 99);
      assert.deepEqual(a.report.initialised, [], 'every tensor comes from the file');
      const b = buildModel(loadHfCheckpoint(out).config, head, loadHfCheckpoint(out).weights, 12345);
      const ids = [[2, 9, 10, 11, 12, 3], [2, 13, 14, 15, 16, 3]];
      const x = forward(a.model, ids);
      const y = forward(b.model, ids);
      assert.deepEqual(x.hidden, y.hidden);
      assert.deepEqual(x.logits, y.logits);
      disposeModel(a.model);
      disposeModel(b.model);
    });
  }

  it('a classifier loaded from an MLM checkpoint keeps the encoder and initialises only the head', async () => {
    const out = await writeTinyCheckpoint(join(dir, 'mlm-to-cls'), 'bert', 'mlm');
    const ckpt = loadHfCheckpoint(out);
    const { report } = buildModel({ ...ckpt.config, labels: ['a', 'b'] }, 'classifier', ckpt.weights, 1);
    assert.deepEqual(report.initialised.sort(), ['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight']);
    assert.ok(report.unused.every((n) => n.startsWith('cls.predictions.')));
  });
});

// The shared data pack, found as the project finds it (DAPT_DATA, else ../shared/data beside the
// checkout); its models/ sit beside data/, as the experiments' `../../shared/models/...` assume.
const dataRoot = resolveDataRoot({ env: process.env, cwd: fileURLToPath(new URL('../../', import.meta.url)) });
const miniDir = join(dirname(dataRoot), 'models', 'bert-mini-general');
describe('bert-mini-general (the shared HF checkpoint)', () => {
  it('loads every tensor, tokenizes as its README says and scores its held-out text near the reported loss', async (t) => {
    if (!existsSync(miniDir)) return skipOrFail(t, 'the shared checkpoint', `${miniDir} is absent (set DAPT_DATA to the data pack)`);
    const ckpt = loadHfCheckpoint(miniDir);
    assert.equal(ckpt.weights.size, 74);
    const { model, report } = buildModel(ckpt.config, 'mlm', ckpt.weights, 0);
    t.after(() => disposeModel(model));
    assert.deepEqual(report, { initialised: [], unused: [] });
    const tok = ckpt.tokenizer;
    assert.deepEqual(tok.special, { pad: 0, unk: 1, cls: 2, sep: 3, mask: 4 });
    assert.equal(tok.vocabSize, 16384);
    assert.deepEqual(tok.encodeForClassification('Hello [MASK]', 16)[0], 2);
    assert.equal(tok.encode('[MASK]')[0], 4);
    // README: held-out MLM loss 6.60 on the last 200 articles of general.part-004.txt
    const corpus = join(dataRoot, 'corpora', 'general.part-004.txt');
    if (!existsSync(corpus)) return skipOrFail(t, 'the shared general corpus', `${corpus} is absent`);
    const lines = readFileSync(corpus, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const docs = await tokenizeDocuments(tok, lines.slice(-200).slice(0, 4));
    const examples = buildExamples(docs, 'packed', 128, { cls: 2, sep: 3, specialMask: tok.specialMask });
    const score = await evaluateMlm(ops, model, { ...examples, count: Math.min(8, examples.count) }, maskVocabulary(4, tok.specialMask, tok.wordStart), { padId: 0, robertaPaddingIdx: null }, 1, 8);
    assert.ok(score.loss > 5.6 && score.loss < 7.6, `held-out loss ${score.loss} is far from the README's 6.60`);
    exercised('shared data pack (bert-mini-general, general corpus)');
  });
});
