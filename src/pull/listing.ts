/** `dapt pull --list`: every known name, its size and licence, and what is already here. */
import { DATASETS, KNOWN_MODELS, SOURCES, UNAVAILABLE } from './catalog.ts';
import { presence } from './datasets.ts';
import { resolveCached } from './hub/cache.ts';
import type { HubSettings } from './hub/settings.ts';

export async function listing(dataRoot: string, hub: HubSettings): Promise<string> {
  const lines: string[] = [`Datasets (into the data root ${dataRoot}):`];
  for (const source of Object.values(SOURCES)) {
    lines.push(`  ${source.describe}${source.base ? `, from ${source.base}` : ''}:`);
    for (const e of DATASETS.filter((d) => d.source === source.name)) {
      const sizes = e.files.map((f) => f.bytes);
      const size = sizes.every((b) => b !== null) ? megabytes(sizes.reduce((a: number, b) => a + b!, 0)) : 'size ?';
      const pins = e.files.every((f) => f.sha256 !== null) ? 'sha256 pinned' : 'UNPINNED';
      const { present, total } = await presence(e, dataRoot);
      // an unpinned file is known by name only: it may be another version of the data
      const unverified = pins === 'UNPINNED' ? ' (unverified)' : '';
      const here = present === total ? `present${unverified}` : present === 0 ? 'absent' : `${present}/${total} files present`;
      lines.push(`    ${e.name.padEnd(28)} ${e.kind.padEnd(6)} ${size.padStart(8)}  ${pins.padEnd(13)}  ${here.padEnd(20)}  ${e.licence}`);
    }
  }
  lines.push("  the paper's domain corpora (not downloadable; `dapt pull NAME` says where to get them):");
  for (const u of UNAVAILABLE) lines.push(`    ${u.name.padEnd(28)} ${u.kind.padEnd(6)}  ${u.licence}`);
  lines.push(`Hub models (hub:ID[@REVISION], any Hub id; into the Hub cache ${hub.cacheDir}, from ${hub.endpoint}):`);
  for (const m of KNOWN_MODELS) {
    const hit = resolveCached(hub.cacheDir, m.id, 'main');
    lines.push(`    ${`hub:${m.id}`.padEnd(34)} ${(hit ? `present (main = ${hit.commit.slice(0, 12)})` : 'absent').padEnd(30)} ${m.note}`);
  }
  return lines.join('\n') + '\n';
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
