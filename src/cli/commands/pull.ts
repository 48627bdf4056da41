/** `dapt pull NAME…`: the paper's datasets into the data root, Hub models into the Hub cache. */
import { resolveDataRoot } from '../../config/dataRoot.ts';
import { UsageError } from '../../errors.ts';
import type { Command } from '../types.ts';

export const pull: Command = {
  name: 'pull',
  usage: 'pull NAME… | --list  [--data-root DIR] [--mirror URL] [--require-pins]',
  summary:
    'download datasets into the data root (sha256-checked, resumable) and Hub models (hub:OWNER/NAME[@REV]) into the Hub cache;\n' +
    '  --list shows every known name, its size, licence and whether it is here. --mirror URL (or DAPT_MIRROR): a server\n' +
    "  with the source's layout. Hub: HF_ENDPOINT, HF_TOKEN, HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE=1 (cache only).",
  options: {
    list: { type: 'boolean', default: false },
    'data-root': { type: 'string' },
    mirror: { type: 'string' },
    'require-pins': { type: 'boolean', default: false },
  },
  async run({ values, positionals }, io) {
    const [{ lookUp }, { pullDataset, unavailable }, { pullModel }, { hubSettings }, { createPullView }, { listing }] = await Promise.all([
      import('../../pull/catalog.ts'),
      import('../../pull/datasets.ts'),
      import('../../pull/hub/pull.ts'),
      import('../../pull/hub/settings.ts'),
      import('../pull-view.ts'),
      import('../../pull/listing.ts'),
    ]);
    const flag = values['data-root'] as string | undefined;
    const dataRoot = resolveDataRoot({ ...(flag ? { flag } : {}), env: io.env, cwd: io.cwd });
    const settings = hubSettings(io.env);
    if (values['list'] === true) {
      io.stdout.write(await listing(dataRoot, settings));
      return 0;
    }
    if (positionals.length === 0) throw new UsageError('name what to pull (e.g. `dapt pull citation_intent hub:roberta-base`), or see `dapt pull --list`');
    // Look every name up first: a typo in the third name should not cost two downloads.
    const targets = positionals.map(lookUp);
    const mirror = (values['mirror'] as string | undefined) || io.env.DAPT_MIRROR || null;
    const view = createPullView(io.stderr);
    for (const t of targets) {
      if (t.kind === 'unavailable') throw unavailable(t.entry);
      if (t.kind === 'dataset') {
        await pullDataset(t.entry, {
          dataRoot,
          mirror,
          requirePins: values['require-pins'] === true,
          onProgress: (file, received, total) => view.progress(file.path, received, total),
          onFile: (e) => {
            const resumed = e.resumedFrom > 0 ? `, resumed at ${e.resumedFrom} bytes` : '';
            const pin = e.unpinned ? ` UNPINNED (no sha256 recorded in dapt; this is what it had)` : ' verified';
            view.done(`${e.state === 'present' ? 'present   ' : 'downloaded'} ${e.dest} (${e.bytes} bytes${resumed}) sha256 ${e.sha256}${pin}`);
          },
        });
        io.stdout.write(`${t.entry.name}: in ${dataRoot}\n`);
      } else {
        const m = await pullModel(t.id, t.revision, {
          settings,
          onProgress: (path, received, total) => view.progress(path, received, total),
          onFile: (e) => view.done(`${e.state === 'present' ? 'present   ' : 'downloaded'} ${t.id}/${e.path} (${e.bytes} bytes)`),
        });
        io.stdout.write(`hub:${m.id}@${m.revision}: commit ${m.commit} in ${m.dir}\n  use it with  base: { hub: ${m.id}, revision: ${m.commit} }\n`);
      }
    }
    return 0;
  },
};
