// The machine-readable last line every purge document prints:
//   CACHE_PURGE_RESULT {"files":123,"bytes":456789,"method":"find-delete","durationMs":42}
// This module owns that contract: the marker, the fields, and parsing it out of an instance's output.

const PURGE_RESULT_MARKER = 'CACHE_PURGE_RESULT';

export interface PurgeResult {
  /** Files removed (0 for an already-empty cache). */
  files: number;
  /** Bytes removed, counted while deleting. */
  bytes: number;
  /** How the purge was done, e.g. "find-delete", "wp-cli", "wp-rocket-cli". */
  method: string;
  /** Time the purge itself took on the instance. */
  durationMs: number;
  /**
   * false when the method reports no counts (the plugins' own CLI flush: W3 Total Cache, WP Rocket's
   * `rocket clean`): `files` and `bytes` are then 0 and say nothing. Absent means counted.
   */
  counted?: boolean;
  /** Anything else the document reports (path, user, …). */
  [extra: string]: unknown;
}

/** Whether the result's `files` and `bytes` were counted (false for a plugin CLI flush). */
export const isCounted = (result: PurgeResult) => result.counted !== false;

/**
 * Finds the last `CACHE_PURGE_RESULT {json}` line in a script's standard output and parses it.
 * Returns undefined when there is none or it is not a valid result (the output stays as it is).
 */
export function parsePurgeResult(stdout: string): PurgeResult | undefined {
  const lines = stdout.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith(`${PURGE_RESULT_MARKER} `)) continue;
    try {
      const value: unknown = JSON.parse(line.slice(PURGE_RESULT_MARKER.length + 1));
      if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
      const v = value as Record<string, unknown>;
      const isCount = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
      if (!isCount(v.files) || !isCount(v.bytes) || !isCount(v.durationMs) || typeof v.method !== 'string')
        return undefined;
      if (v.counted !== undefined && typeof v.counted !== 'boolean') return undefined;
      return v as PurgeResult;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
