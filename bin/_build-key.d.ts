/** Types of _build-key.js (plain JavaScript: it runs before the TypeScript sources can). */
export declare const BUILD_KEY_FILE: string;
export interface BuildKey {
  hash: string;
  files: Array<[string, number, number]>;
}
export declare function currentBuildKey(root: string): BuildKey;
export declare function checkBuild(root: string): { fresh: true } | { fresh: false; reason: string };
