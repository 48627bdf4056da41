/**
 * A loaded `tokenizer.json` (via @huggingface/tokenizers) plus what training needs from it:
 * special-token ids, which ids may never be masked, and which tokens start a word (for
 * whole-word masking: WordPiece continuations carry `##`, byte-level BPE word starts carry `Ġ`).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { DaptError, FileNotFoundError } from '../../errors.ts';

export interface SpecialIds {
  pad: number;
  cls: number;
  sep: number;
  mask: number;
  unk: number | null;
}

interface TokenizerJson {
  added_tokens?: Array<{ id: number; content: string; special?: boolean }>;
  model?: { type?: string; vocab?: Record<string, number> | Array<[string, number]>; continuing_subword_prefix?: string };
}

const specialNames: Record<keyof SpecialIds, string[]> = {
  pad: ['[PAD]', '<pad>'],
  cls: ['[CLS]', '<s>'],
  sep: ['[SEP]', '</s>'],
  mask: ['[MASK]', '<mask>'],
  unk: ['[UNK]', '<unk>'],
};

export class TextTokenizer {
  /** sha256 of the tokenizer.json bytes: part of every token-cache key. */
  readonly hash: string;
  /** One past the largest id (model vocabulary and added tokens). */
  readonly vocabSize: number;
  readonly special: SpecialIds;
  /** 1 for ids that are never masked or drawn as random replacements (special/added tokens). */
  readonly specialMask: Uint8Array;
  /** 1 for ids that begin a word. */
  readonly wordStart: Uint8Array;
  /** The raw tokenizer.json text, saved next to every model dapt writes. */
  readonly json: string;
  /** tokenizer_config.json contents ({} when there was none). */
  readonly config: Record<string, unknown>;
  private readonly tokenizer: Tokenizer;

  constructor(json: string, config: Record<string, unknown>, source: string) {
    let parsed: TokenizerJson;
    try {
      parsed = JSON.parse(json) as TokenizerJson;
      this.tokenizer = new Tokenizer(parsed, config);
    } catch (e) {
      throw new DaptError('DAPT_CHECKPOINT_INVALID', `${source}: cannot load tokenizer (${(e as Error).message})`, { cause: e });
    }
    this.json = json;
    this.config = config;
    this.hash = createHash('sha256').update(json).digest('hex');
    const vocab = this.tokenizer.get_vocab(true);
    let maxId = -1;
    for (const id of vocab.values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    const find = (k: keyof SpecialIds): number | undefined => specialNames[k].map((n) => vocab.get(n)).find((v) => v !== undefined);
    const required = (k: keyof SpecialIds): number => {
      const id = find(k);
      if (id === undefined) throw new DaptError('DAPT_CHECKPOINT_INVALID', `${source}: no ${specialNames[k].join(' or ')} token; dapt needs BERT- or RoBERTa-style special tokens`);
      return id;
    };
    this.special = { pad: required('pad'), cls: required('cls'), sep: required('sep'), mask: required('mask'), unk: find('unk') ?? null };
    this.specialMask = new Uint8Array(this.vocabSize);
    for (const t of parsed.added_tokens ?? []) if (t.special !== false) this.specialMask[t.id] = 1;
    for (const id of Object.values(this.special)) if (id !== null) this.specialMask[id] = 1;
    this.wordStart = wordStarts(vocab, this.vocabSize, parsed.model ?? {}, this.specialMask);
  }

  /** Loads `tokenizer.json` (and `tokenizer_config.json` beside it, if any). */
  static fromFile(file: string): TextTokenizer {
    if (!existsSync(file)) throw new FileNotFoundError(file, 'tokenizer.json');
    const configFile = join(dirname(file), 'tokenizer_config.json');
    const config = existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>) : {};
    return new TextTokenizer(readFileSync(file, 'utf8'), config, file);
  }

  /** Token ids of `text` without special tokens. */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /** [CLS] text [SEP], truncated to `maxLength` tokens in all. */
  encodeForClassification(text: string, maxLength: number): Int32Array {
    const ids = this.encode(text);
    const n = Math.min(ids.length, maxLength - 2);
    const out = new Int32Array(n + 2);
    out[0] = this.special.cls;
    for (let i = 0; i < n; i++) out[i + 1] = ids[i]!;
    out[n + 1] = this.special.sep;
    return out;
  }

  idToToken(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }
}

function wordStarts(vocab: Map<string, number>, size: number, model: NonNullable<TokenizerJson['model']>, special: Uint8Array): Uint8Array {
  const out = new Uint8Array(size);
  const prefix = model.continuing_subword_prefix ?? '##';
  const startsWord = (token: string): boolean => {
    if (model.type === 'WordPiece') return !token.startsWith(prefix);
    // byte-level BPE marks a preceding space with Ġ, SentencePiece with ▁; punctuation starts its own word
    if (token.startsWith('\u0120') || token.startsWith('\u2581')) return true;
    return !/^[\p{L}\p{N}]/u.test(token);
  };
  for (const [token, id] of vocab) out[id] = special[id] === 1 || startsWord(token) ? 1 : 0;
  return out;
}
