/**
 * The miniature data pack (what `../shared/data` holds on the development machine), pinned by the
 * sha256 of every file as listed in the pack's MANIFEST.md. It has no public host: it is pulled from
 * a mirror (`--mirror URL` or `DAPT_MIRROR`) that serves a data root's layout, e.g. an HTTP server
 * over a lab's copy. Generated from MANIFEST.md; licences there, summarised in `licence`.
 */
import type { DatasetEntry } from './types.ts';

// The pack has a data root's layout, so a file's place on a mirror is its place in the data root.
const f = (path: string, bytes: number, sha256: string) => ({ path, url: path, bytes, sha256 });

/** What each source states, from MANIFEST.md ("not stated" is what the source says, not a grant). */
const LICENCE: Record<string, string> = {
  'mini/tasks/chemprot': 'Apache-2.0 (allenai/scibert repository); no separate data licence stated',
  'mini/tasks/piboso': 'MIT (repository); NICTA-PIBOSO data licence not stated',
  'mini/tasks/citation_intent': 'Apache-2.0 (allenai/scibert repository); no separate data licence stated',
  'mini/tasks/sciie': 'Apache-2.0 (allenai/scibert repository); no separate data licence stated',
  'mini/tasks/hyperpartisan': 'not stated in the source',
  'mini/tasks/ag': 'not stated; AG\'s readme: research and other non-commercial use',
  'mini/tasks/helpfulness': 'not stated in the source',
  'mini/tasks/imdb': 'not stated (cite Maas et al. 2011)',
  'mini/corpora/biomed': 'CC BY-SA 3.0, MIT and Apache-2.0 parts',
  'mini/corpora/cs': 'ACL Anthology: CC BY 4.0 (2016 on), CC BY-NC-SA 3.0 (before)',
  'mini/corpora/news': 'BBC copyright (all rights reserved)',
  'mini/corpora/reviews': 'not stated in the sources',
  'mini/corpora/general': 'Wikipedia text, CC BY-SA',
  'mini/curated/imdb_unlabeled': 'not stated',
};

export const MINI_PACK: DatasetEntry[] = [
  {
    name: 'mini/tasks/chemprot',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/chemprot']!,
    files: [
      f('tasks/chemprot/train.jsonl', 1054504, '08b1b999500408ac5beffb1688bfb74a95e1b7b09ee57c733813f7f717f21308'),
      f('tasks/chemprot/dev.jsonl', 639825, '34cdc9473e00149badb76d43eadcda5f1e090fc88ba6536492052928fdebc823'),
      f('tasks/chemprot/test.jsonl', 904865, '09d1550e0cfc93ee474e972e4785599bc83a6a0319d1d864ea1dc73370f69146'),
    ],
  },
  {
    name: 'mini/tasks/piboso',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/piboso']!,
    files: [
      f('tasks/piboso/train.jsonl', 1247294, '33963f5f0428584ddc9eb11c116b41f44904f81dc22a7e2b4af4d79bc04659d2'),
      f('tasks/piboso/dev.jsonl', 149083, '0085e266f1994ca9ddca342f44d9b0d222921dd0e0fdbb7a13011471cab04b94'),
      f('tasks/piboso/test.jsonl', 356393, '9bc06098f444dbdc721bd83c9cef65bd7e8ef0213534d5d78558aa4c802c84c3'),
    ],
  },
  {
    name: 'mini/tasks/citation_intent',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/citation_intent']!,
    files: [
      f('tasks/citation_intent/train.jsonl', 437411, 'ea792524890919e0756ab56cf363223668cff2ae1fa3bfb9b725fc0af7f91e2b'),
      f('tasks/citation_intent/dev.jsonl', 28226, '1a360192a06ae90eeb548bd474e7c6813032f533a605ae3138a4c7553eaf18ec'),
      f('tasks/citation_intent/test.jsonl', 36293, '87a0096d7c1c8d277418d0d9f3363ea08f65b441e87878b5ff6a99cfa5b7251c'),
    ],
  },
  {
    name: 'mini/tasks/sciie',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/sciie']!,
    files: [
      f('tasks/sciie/train.jsonl', 732099, '3d7058909068a9a3971bfdab97261a0bc42d88e50ce75a007257bb054cb1c97c'),
      f('tasks/sciie/dev.jsonl', 105366, '9366880fc5e68ea18dd0b26b2c99ff370f4891233c6eae349c3787ea49cc4b4e'),
      f('tasks/sciie/test.jsonl', 221691, 'b196df592bf8c04088fad5e1f763c7bbcf9d023461c95eab978eca18abdb4da5'),
    ],
  },
  {
    name: 'mini/tasks/hyperpartisan',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/hyperpartisan']!,
    files: [
      f('tasks/hyperpartisan/train.jsonl', 1716375, '26eb90983884fee9f4c0e3ee6c7915562028598eea6dcbeb69a213e5ca4e57da'),
      f('tasks/hyperpartisan/dev.jsonl', 199250, '8fc1d70d5d8c53e99a6bac79c97cdc2fd17fe140a018087005064baecb4e9e13'),
      f('tasks/hyperpartisan/test.jsonl', 244029, '0ec7c86006e3a2911b0a8a214e19172143fced1f45b310af2ca1778ab91f65d8'),
    ],
  },
  {
    name: 'mini/tasks/ag',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/ag']!,
    files: [
      f('tasks/ag/train.jsonl', 1081184, '5afb2fa4fcfc88ac4a007088a27ff00e3c22e554c85936e6bb672d7bdea45f64'),
      f('tasks/ag/dev.jsonl', 268630, 'b1ea7af85c51f380c5f9308a17e0da7c395e282931ec66c705d67b6f8965fd64'),
      f('tasks/ag/test.jsonl', 2039597, '3cd4af473324ec149fb33a2ac71050a2b83104aefe92b00d62d9afd9eac0bbc3'),
    ],
  },
  {
    name: 'mini/tasks/helpfulness',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/helpfulness']!,
    files: [
      f('tasks/helpfulness/train.jsonl', 2923212, 'b849833b99018b09a02397a45f8d71a9b725af2e862a5182d8dcf8f263e718e0'),
      f('tasks/helpfulness/dev.jsonl', 401486, '6c1d5e75b6ceb966b0c14572d2bc9a3532dbb198d39a62f7f124749523efbab5'),
      f('tasks/helpfulness/test.jsonl', 812930, '6c7c74da03acdabcd63fec43a40bc3389600f7bd3e871cd3dcb4ade5b9b09ecf'),
    ],
  },
  {
    name: 'mini/tasks/imdb',
    kind: 'task',
    source: 'mini',
    licence: LICENCE['mini/tasks/imdb']!,
    files: [
      f('tasks/imdb/train.jsonl', 3264355, 'dd64f4c39e1cc89f50570044da28eda5888d37d6540b4c6dc3ffea14d66d4c44'),
      f('tasks/imdb/dev.jsonl', 671847, '0f35892b72e3126ab3b33184184fb416c39c2b3fecffa2d072fdff02b1f9e7ce'),
      f('tasks/imdb/test.jsonl', 3216321, '4c78a6f4c9c0491e7390b3b1846a6aa1f694ee6b44b63deeb9825a5f6a13f347'),
    ],
  },
  {
    name: 'mini/corpora/biomed',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/corpora/biomed']!,
    files: [
      f('corpora/biomed.part-000.txt', 3144728, 'ae46e9d3a9931a6753891af8de4fe01b6c043186c659d807e3b38acf4d39adca'),
      f('corpora/biomed.part-001.txt', 3144982, 'b3fc8d82ee192fba7bfc02c81edc2200ae0234d64694b343f0b007a1b2efd1a6'),
      f('corpora/biomed.part-002.txt', 581017, 'a7b4f4f38f4eee57b03f8b4e83f30d6e21f5bb903d4e325f1667b81d66b9c520'),
    ],
  },
  {
    name: 'mini/corpora/cs',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/corpora/cs']!,
    files: [
      f('corpora/cs.part-000.txt', 3144648, 'e86149f41eb2ae7b3eb30d92267a1717aac42fb4f9cf9d451d6316363cfba9a4'),
      f('corpora/cs.part-001.txt', 3144609, 'f8c48508bce780ca3afeb8be4ed9a286c1c5511611a983444f8331eeab97b5ca'),
      f('corpora/cs.part-002.txt', 1384910, 'e0f77b2ef8c6535ca63d369c06519417a99840fd8143bfbb02d81acbad7d60a9'),
    ],
  },
  {
    name: 'mini/corpora/news',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/corpora/news']!,
    files: [
      f('corpora/news.part-000.txt', 3143175, '6ae1a476598a32ddd2bbbbdf464ff30e1d53be71fc941ad4ee747f315daf9b24'),
      f('corpora/news.part-001.txt', 1633520, 'dca39783f299a5a36e85a4cc1d503fafb9c5965e95bf53395e073e3d5e203708'),
    ],
  },
  {
    name: 'mini/corpora/reviews',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/corpora/reviews']!,
    files: [
      f('corpora/reviews.part-000.txt', 3145286, 'f15d5761d650a08be909e737702d5cf4542683cc10936909ee605a303e97fc47'),
      f('corpora/reviews.part-001.txt', 783396, '70e5cf79d930d0d8817276ab293565b88421dc212b0d24ac6eb293dfa29fc735'),
    ],
  },
  {
    name: 'mini/corpora/general',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/corpora/general']!,
    files: [
      f('corpora/general.part-000.txt', 3145166, '6d8dc9220a5fc0a7d51bcbb30869339bdb412369a527f2c5d11d2aaea005b541'),
      f('corpora/general.part-001.txt', 3144710, 'c23bcd5bb956f2ba5f50f7c8093dbbbf9d9ee48c5a4d662b422266def6877d3a'),
      f('corpora/general.part-002.txt', 3136708, 'd9ba32075f8a340244238df617710162c94dc3bd143fd589982aeef755f85676'),
      f('corpora/general.part-003.txt', 3143204, '9e588b28674de4b1742622104e078d43100094be215f2c5f54daa4666d2a1316'),
      f('corpora/general.part-004.txt', 2427567, '7e9e4c1f701cb29e1c90cbf7b44a2a4fd15738cee60b28dfafd0bfe2aa298e2d'),
    ],
  },
  {
    name: 'mini/curated/imdb_unlabeled',
    kind: 'corpus',
    source: 'mini',
    licence: LICENCE['mini/curated/imdb_unlabeled']!,
    files: [
      f('curated/imdb_unlabeled.part-000.txt', 3144718, 'daf79a3e5ef0dc5c94b1305abb70306703d12616dbb4a060ed273520150f0425'),
      f('curated/imdb_unlabeled.part-001.txt', 3144727, '7cc4dd28b809b6854bb6d6b95058a6f23313ae6c150b7f30df0a1c71d0c1aa43'),
      f('curated/imdb_unlabeled.part-002.txt', 1550939, '6d68f3ee0c5784c1ac0b01c71488f5238c92ea0a626e446ea55b5092ffc9964b'),
    ],
  },
];
