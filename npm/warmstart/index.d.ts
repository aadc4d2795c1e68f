export { withWarmstart, WarmstartNextOptions } from "./next";
/** Path of the native binary this package runs. */
export function binaryPath(): string;
