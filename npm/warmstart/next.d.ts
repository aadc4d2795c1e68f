export interface WarmstartNextOptions {
  /** "managed" (default, or $WARMSTART_ASSETS): drop the statics copy in dev; "lazy": also add the fallback rewrite; "off": change nothing about assets. */
  assets?: "managed" | "lazy" | "off";
  /** URL of `warmstart assets serve` (default $WARMSTART_ASSETS_URL or http://127.0.0.1:4777). */
  serveUrl?: string;
  port?: number;
  /** JSON file from `warmstart graph closure --write-suggestions` (or env WARMSTART_SUGGESTIONS). */
  suggestions?: string;
  /** Which copy-plugin patterns to drop (default: those copying `…/app-store/**\/static/**`, any shape). */
  dropPattern?: (pattern: unknown) => boolean;
  /** Force development behaviour on or off (default: Next's phase / webpack `dev`). */
  dev?: boolean;
  /** The app folder, for finding workspace packages (default: process.cwd(), where `next dev` runs). */
  dir?: string;
  /** Environment to read WARMSTART_* and TURBOPACK from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Silences the informational lines (not the warnings). */
  quiet?: boolean;
  log?: (line: string) => void;
  /** Where warnings go (default: stderr, framed to be seen). */
  warn?: (line: string) => void;
  /** How long after the last development webpack hook call the "nothing was dropped" check runs (default 2000 ms). */
  warnAfterMs?: number;
}
export function withWarmstart<T>(nextConfig: T, options?: WarmstartNextOptions): T;
export function copiesAppStoreStatics(pattern: unknown): boolean;
export function readSuggestions(file: string): string[];
export function workspacePackages(names: string[], dir: string): string[];
