/**
 * Resolves a pretraining stage's TextSources to documents, each with a content id that keys
 * the token cache (the same text read by another stage hits the same cache file).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { corpusFilesOf, readDocuments } from '../../data/corpus.ts';
import { loadTaskInput } from '../../data/task-input.ts';
import { DaptError, FileNotFoundError } from '../../errors.ts';
import type { ContentId, InputLocation, TextSource } from '../../plan/types.ts';
import type { ParentOutput } from '../../stages/types.ts';
import { workOutputs } from '../../store/layout.ts';

export interface SourceText {
  /** Stable id of exactly this text (content hash, or the select stage that produced it). */
  contentId: string;
  /** For messages. */
  describe: string;
  load(): Promise<string[]>;
}

export interface SourceContext {
  inputs: Record<ContentId, InputLocation>;
  parents: Record<string, ParentOutput>;
}

function input(ctx: SourceContext, content: ContentId, what: string): InputLocation {
  const loc = ctx.inputs[content];
  if (loc === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec has no input location for ${what} ${content.slice(0, 12)}`);
  return loc;
}

export async function collect(docs: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const d of docs) out.push(d);
  return out;
}

/** Documents of a corpus input. */
export function corpusSource(ctx: SourceContext, content: ContentId): SourceText {
  const files = corpusFilesOf(input(ctx, content, 'corpus'));
  return { contentId: content, describe: `corpus ${files[0] ?? content}`, load: () => collect(readDocuments(files)) };
}

export function resolveTextSource(source: TextSource, ctx: SourceContext): SourceText {
  switch (source.kind) {
    case 'corpus':
      return corpusSource(ctx, source.content);
    case 'task_text': {
      const loc = input(ctx, source.task.content, 'task');
      const id = createHash('sha256')
        .update(JSON.stringify({ task: source.task.content, labelled: source.task.labelled, dedupe: source.task.dedupeTrain, part: source.part }))
        .digest('hex');
      return {
        contentId: id,
        describe: `task ${loc.kind === 'task' ? loc.dir : source.task.content} (${source.part})`,
        load: async () => {
          const task = await loadTaskInput(loc, source.task);
          return (source.part === 'train' ? task.labelled : task.unlabelled).map((e) => e.text).filter((t) => t.trim() !== '');
        },
      };
    }
    case 'selected': {
      const parent = ctx.parents[source.stage];
      if (parent === undefined) throw new DaptError('DAPT_STAGE_SPEC_INVALID', `stage spec lacks parent select stage ${source.stage}`);
      const file = workOutputs(parent.dir).selected;
      return {
        contentId: `stage:${source.stage}`,
        describe: `selected documents of stage ${source.stage.slice(0, 12)}`,
        load: async () => {
          let text: string;
          try {
            text = readFileSync(file, 'utf8');
          } catch {
            throw new FileNotFoundError(file, 'selected documents');
          }
          return text.split('\n').filter((l) => l.trim() !== '');
        },
      };
    }
  }
}
