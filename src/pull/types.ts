/** What `dapt pull` knows how to fetch. Data only: src/pull/catalog.ts looks entries up. */

export interface DatasetFile {
  /** Where the file goes, relative to the data root (the layout experiment files refer to). */
  path: string;
  /** Where it is, relative to its source's base URL (or to a `--mirror` of that source). */
  url: string;
  /** Size in bytes, or null where it could not be recorded. */
  bytes: number | null;
  /**
   * The pinned sha256, or null: UNPINNED, i.e. the release's hash could not be recorded when the
   * catalogue was written. Unpinned files are downloaded, reported with the hash they had, and
   * marked "unpinned" by `dapt pull --list`; `--require-pins` refuses them.
   */
  sha256: string | null;
}

export interface DatasetEntry {
  /** The name given to `dapt pull`. */
  name: string;
  kind: 'task' | 'corpus';
  source: SourceName;
  licence: string;
  files: DatasetFile[];
}

/** A dataset of the paper that is not released as downloadable files: pull explains why. */
export interface UnavailableEntry {
  name: string;
  kind: 'corpus' | 'task';
  licence: string;
  why: string;
}

export type SourceName = 'paper' | 'mini';

export interface Source {
  name: SourceName;
  describe: string;
  /** Public base URL, or null when the source can only be pulled from a mirror. */
  base: string | null;
}
