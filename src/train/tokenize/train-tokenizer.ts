/**
 * Trains a new vocabulary with the native `tokenizers` package: WordPiece for BERT, byte-level
 * BPE for RoBERTa. Its Node binding trains only with the model's default trainer (30,000
 * entries, no special tokens, min_frequency 0), so the vocabulary is cut afterwards: learned
 * entries come in learning order, and the first N of them are exactly what the trainer gives
 * when it stops at N. The special tokens and (for BPE) the full byte alphabet are added here.
 * WordPiece training there breaks count ties in hash-map order, so two trainings on the same
 * text can differ (huggingface/tokenizers#1794; byte-level BPE is deterministic): a stage keeps
 * the tokenizer it trained in work/ and in its saved model, and never retrains it.
 */
import { createRequire } from 'node:module';
import type { TokenizerTrainSpec } from '../../config/types.ts';
import { DaptError } from '../../errors.ts';
import { writeFileSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the native package is CommonJS
const native = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');

/** Largest vocabulary the default trainer learns (before special tokens and alphabet are added). */
export const nativeTrainerLimit = 30000;

export interface TrainedTokenizer {
  /** tokenizer.json text. */
  json: string;
  vocabSize: number;
  /** Things the user should know (e.g. the corpus gave fewer entries than asked for). */
  notes: string[];
}

interface SavedTokenizer {
  normalizer: unknown;
  pre_tokenizer: unknown;
  model: { vocab: Record<string, number>; merges?: Array<[string, string] | string> };
}

function learnedInOrder(vocab: Record<string, number>): string[] {
  return Object.entries(vocab)
    .sort((a, b) => a[1] - b[1])
    .map(([t]) => t);
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: content === '<mask>', rstrip: false, normalized: false, special: true };
}

function trainNative(files: string[], spec: TokenizerTrainSpec): SavedTokenizer {
  const tok = new native.Tokenizer(spec.kind === 'wordpiece' ? native.WordPiece.empty() : native.BPE.empty());
  if (spec.kind === 'wordpiece') {
    tok.setNormalizer(native.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: spec.lowercase, lowercase: spec.lowercase }));
    tok.setPreTokenizer(native.bertPreTokenizer());
  } else {
    if (spec.lowercase) tok.setNormalizer(native.lowercase());
    tok.setPreTokenizer(native.byteLevelPreTokenizer(false, true));
  }
  tok.train(files);
  const dir = mkdtempSync(join(tmpdir(), 'dapt-tok-'));
  try {
    tok.save(join(dir, 'tokenizer.json'));
    return JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as SavedTokenizer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function wordPieceJson(saved: SavedTokenizer, spec: TokenizerTrainSpec): { json: object; size: number } {
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const vocab: Record<string, number> = {};
  specials.forEach((t, i) => (vocab[t] = i));
  for (const t of learnedInOrder(saved.model.vocab)) {
    const n = Object.keys(vocab).length;
    if (n >= spec.vocabSize) break;
    if (!(t in vocab)) vocab[t] = n;
  }
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((t, i) => addedToken(i, t)),
    normalizer: saved.normalizer,
    pre_tokenizer: saved.pre_tokenizer,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  return { json, size: Object.keys(vocab).length };
}

function byteLevelBpeJson(saved: SavedTokenizer, spec: TokenizerTrainSpec): { json: object; size: number } {
  const vocab: Record<string, number> = {};
  const add = (t: string): void => {
    if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  };
  ['<s>', '<pad>', '</s>', '<unk>'].forEach(add);
  // every byte, seen in the corpus or not, so no text is ever unencodable
  for (const c of native.byteLevelAlphabet().sort()) add(c);
  const budget = spec.vocabSize - 1; // <mask> comes last, as in RoBERTa
  for (const t of learnedInOrder(saved.model.vocab)) {
    if (Object.keys(vocab).length >= budget) break;
    add(t);
  }
  const mask = Object.keys(vocab).length;
  vocab['<mask>'] = mask;
  const merges = (saved.model.merges ?? [])
    .map((m) => (typeof m === 'string' ? (m.split(' ') as [string, string]) : m))
    .filter(([a, b]) => a in vocab && b in vocab && a + b in vocab);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(0, '<s>'), addedToken(1, '<pad>'), addedToken(2, '</s>'), addedToken(3, '<unk>'), addedToken(mask, '<mask>')],
    normalizer: saved.normalizer,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
  return { json, size: mask + 1 };
}

/** Trains a tokenizer on documents (one per element). */
export function trainTokenizer(docs: readonly string[], spec: TokenizerTrainSpec): TrainedTokenizer {
  if (spec.minFrequency > 1) {
    throw new DaptError(
      'DAPT_CONFIG_INVALID',
      `tokenizer minFrequency ${spec.minFrequency} cannot be honoured: the native tokenizers binding trains with min_frequency 0 only; set it to 0`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'dapt-tok-'));
  let saved: SavedTokenizer;
  try {
    const file = join(dir, 'corpus.txt');
    writeFileSync(file, docs.join('\n') + '\n');
    saved = trainNative([file], spec);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const { json, size } = spec.kind === 'wordpiece' ? wordPieceJson(saved, spec) : byteLevelBpeJson(saved, spec);
  const notes: string[] = [];
  if (size < spec.vocabSize) {
    const why = Object.keys(saved.model.vocab).length >= nativeTrainerLimit ? `the native trainer stops at ${nativeTrainerLimit} learned entries` : 'the corpus gave no more merges';
    notes.push(`tokenizer has ${size} entries instead of ${spec.vocabSize}: ${why}`);
  }
  return { json: JSON.stringify(json), vocabSize: size, notes };
}
