export interface WarmstartNextOptions {
  /** "managed" (default, or $WARMSTART_ASSETS): drop the statics copy in dev; "lazy": also add the fallback rewrite; "off": change nothing about assets. */
  assets?: "managed" | "lazy" | "off";
  /** URL of `warmstart assets serve` (default $WARMSTART_ASSETS_URL or http://127.0.0.1:4777). */
  serveUrl?: string;
  port?: number;
  /** JSON file from `warmstart graph closure --write-suggestions` (or env WARMSTART_SUGGESTIONS). */
  suggestions?: string;
  /** Which CopyWebpackPlugin patterns to drop (default: `…/app-store/**\/static/**`). */
  dropPattern?: (pattern: unknown) => boolean;
  /** Force development behaviour on or off (default: Next's phase / webpack `dev`). */
  dev?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
}
export function withWarmstart<T>(nextConfig: T, options?: WarmstartNextOptions): T;
export function copiesAppStoreStatics(pattern: unknown): boolean;
export function readSuggestions(file: string): string[];
