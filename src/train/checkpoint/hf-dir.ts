/**
 * Hugging Face checkpoint directories: config.json + model.safetensors + tokenizer.json (+
 * tokenizer_config.json), the layout `save_pretrained` writes and `from_pretrained` reads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaptError, FileNotFoundError } from '../../errors.ts';
import { parseHfConfig, toHfConfig, type ModelConfig } from '../model/config.ts';
import { exportWeights, type EncoderModel } from '../model/model.ts';
import { TextTokenizer } from '../tokenize/tokenizer.ts';
import { replaceDir, writeFileSynced } from './atomic-dir.ts';
import { readSafetensors, writeSafetensors, type TensorMap } from './safetensors.ts';

export interface HfCheckpoint {
  dir: string;
  config: ModelConfig;
  weights: TensorMap;
  tokenizer: TextTokenizer;
}

export function readHfConfig(dir: string): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) throw new FileNotFoundError(file, 'model config.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DaptError('DAPT_CHECKPOINT_INVALID', `${file} is not valid JSON (${(e as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new DaptError('DAPT_CHECKPOINT_INVALID', `${file} must hold a JSON object`);
  return parseHfConfig(raw as Record<string, unknown>, file);
}

/** Loads a checkpoint directory; the tokenizer must fit the model's vocabulary. */
export function loadHfCheckpoint(dir: string): HfCheckpoint {
  const config = readHfConfig(dir);
  const weightsFile = join(dir, 'model.safetensors');
  if (!existsSync(weightsFile)) {
    const hint = existsSync(join(dir, 'pytorch_model.bin'))
      ? ' (only pytorch_model.bin is there: re-save it with `model.save_pretrained(dir, safe_serialization=True)`)'
      : '';
    throw new FileNotFoundError(`${weightsFile}${hint}`, 'model weights');
  }
  const tokenizerFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) {
    throw new FileNotFoundError(`${tokenizerFile} (save a fast tokenizer with \`AutoTokenizer.from_pretrained(...).save_pretrained(dir)\`)`, 'tokenizer');
  }
  const tokenizer = TextTokenizer.fromFile(tokenizerFile);
  if (tokenizer.vocabSize > config.vocabSize) {
    throw new DaptError('DAPT_CHECKPOINT_INVALID', `${tokenizerFile} has ${tokenizer.vocabSize} ids but config.json vocab_size is ${config.vocabSize}; they do not belong together`);
  }
  return { dir, config, weights: readSafetensors(weightsFile).tensors, tokenizer };
}

function defaultTokenizerConfig(model: EncoderModel, tokenizer: TextTokenizer, maxLength: number): Record<string, unknown> {
  const name = (id: number | null): string | undefined => (id === null ? undefined : tokenizer.idToToken(id));
  const roberta = model.config.modelType === 'roberta';
  return {
    tokenizer_class: roberta ? 'RobertaTokenizer' : 'BertTokenizer',
    model_max_length: maxLength,
    cls_token: name(tokenizer.special.cls),
    sep_token: name(tokenizer.special.sep),
    pad_token: name(tokenizer.special.pad),
    mask_token: name(tokenizer.special.mask),
    unk_token: name(tokenizer.special.unk),
    ...(roberta ? { bos_token: name(tokenizer.special.cls), eos_token: name(tokenizer.special.sep) } : {}),
  };
}

/** Writes model + tokenizer as a HF directory, replacing `dir` atomically. `maxLength` is the
 *  sequence length it was trained with. */
export async function saveHfCheckpoint(dir: string, model: EncoderModel, tokenizer: TextTokenizer, maxLength: number): Promise<void> {
  const weights = await exportWeights(model);
  // model_max_length records the length this model was trained with; evaluation truncates to it
  const base = Object.keys(tokenizer.config).length > 0 ? tokenizer.config : defaultTokenizerConfig(model, tokenizer, maxLength);
  const tokenizerConfig = { ...base, model_max_length: maxLength };
  await replaceDir(dir, (tmp) => {
    writeFileSynced(join(tmp, 'config.json'), JSON.stringify(toHfConfig(model.config), null, 2) + '\n');
    writeSafetensors(join(tmp, 'model.safetensors'), weights);
    writeFileSynced(join(tmp, 'tokenizer.json'), tokenizer.json);
    writeFileSynced(join(tmp, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
  });
}
