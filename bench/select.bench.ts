/**
 * kNN-TAPT selection at scale: a 1M-sentence pool × 10k queries, tf-idf embedder, k = 50
 * (goal: under 60 s on the 2-core dev machine). Runs the select stage's own code path
 * (runSelection): stream the pool file, fit tf-idf, embed the queries, exact kNN, union,
 * write selected.txt and provenance.jsonl.
 *
 * Synthetic text, generated deterministically: words drawn from a Zipf(1) distribution over a
 * 50k-word vocabulary whose most frequent ranks are the English stopwords, as in real English
 * (the stopwords carry about half of all tokens), the rest pronounceable pseudo-words;
 * sentences of 8–32 words. Prints one JSON line per configuration.
 *
 * Env: SELECT_BENCH_POOL, SELECT_BENCH_QUERIES (defaults 1e6, 1e4) for quick local runs.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_TFIDF } from '../src/config/builtins.ts';
import { createRandom, type SeededRandom } from '../src/data/seeded-random.ts';
import { ENGLISH_STOPWORDS } from '../src/data/stopwords.ts';
import { runSelection } from '../src/select/run-selection.ts';

const POOL = Number(process.env.SELECT_BENCH_POOL ?? 1_000_000);
const QUERIES = Number(process.env.SELECT_BENCH_QUERIES ?? 10_000);
const K = 50;
const VOCAB = 50_000;

function vocabulary(): string[] {
  const syllables = ['ka', 'lo', 'mi', 'tu', 're', 'sa', 'no', 'vi', 'de', 'po', 'ri', 'ga', 'fe', 'zu', 'ha', 'ne', 'bo', 'ti', 'mu', 'xe'];
  const stop = ENGLISH_STOPWORDS.filter((w) => !w.includes("'"));
  const words = [...stop];
  for (let r = 0; words.length < VOCAB; r++) {
    let n = r + 400;
    let w = '';
    while (n > 0) {
      w += syllables[n % syllables.length];
      n = Math.floor(n / syllables.length);
    }
    words.push(w);
  }
  return words;
}

function zipfSampler(n: number, random: SeededRandom): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 1);
  for (let r = 0; r < n; r++) cdf[r]! /= sum;
  return () => {
    const u = random.next();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function sentences(seed: number): () => string {
  const words = vocabulary();
  const random = createRandom(seed);
  const draw = zipfSampler(words.length, random);
  return () => {
    const length = 8 + random.int(25);
    const out: string[] = [];
    for (let i = 0; i < length; i++) out.push(words[draw()]!);
    out[0] = out[0]!.charAt(0).toUpperCase() + out[0]!.slice(1);
    return out.join(' ') + '.';
  };
}

async function writePool(file: string, count: number): Promise<void> {
  const next = sentences(1);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  for (let i = 0; i < count; i++) if (!out.write(next() + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const dir = await mkdtemp(join(tmpdir(), 'dapt-bench-select-'));
try {
  const poolFile = join(dir, 'pool.txt');
  await writePool(poolFile, POOL);
  const nextQuery = sentences(2);
  const queries = Array.from({ length: QUERIES }, (_, i) => ({ text: nextQuery(), line: i + 1 }));
  const dims = Number(process.env.SELECT_BENCH_DIMS ?? BUILTIN_TFIDF.dims);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const summary = await runSelection({
    poolFiles: [poolFile],
    queries,
    spec: { method: 'knn', k: K, seed: 0, embedder: { kind: 'tfidf', dims, vocabulary: 'hashed', sublinearTf: true } },
    outDir: dir,
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(
    JSON.stringify({
      bench: 'select',
      goal_seconds: 60,
      embedder: 'tfidf',
      dims,
      pool: summary.poolDocs,
      queries: summary.queries,
      k: K,
      selected: summary.selectedDocs,
      seconds: Number(seconds.toFixed(2)),
      cpu_seconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
      phases: Object.fromEntries(Object.entries(summary.seconds).map(([p, s]) => [p, Number(s.toFixed(2))])),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
