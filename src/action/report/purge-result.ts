// The machine-readable last line every purge document prints:
//   CACHE_PURGE_RESULT {"files":123,"bytes":456789,"method":"find-delete","durationMs":42}
//   CACHE_PURGE_RESULT {"files":0,"bytes":0,"counted":false,"method":"rename-trash","detached":16,…}
// CachePurge-FastCGI's instant purge (method "rename-trash") adds what it detached and how the trash is
// reclaimed; its synchronous fallback ("find-delete") says why in "fallback".
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
  /**
   * rename-trash: the cache directory's top-level entries renamed out of nginx's sight (every page a miss
   * from then on); their files are deleted, and counted, in the background (`counted` is false).
   */
  detached?: number;
  /** rename-trash: top-level entries that could not be renamed (they still serve; `complete` is false). */
  notDetached?: number;
  /** rename-trash: how the trash is reclaimed, `systemd-run` (a transient unit) or `setsid` (a detached session). */
  reclaim?: string;
  /** rename-trash: the systemd unit reclaiming it (its output is in the journal). */
  reclaimUnit?: string;
  /** rename-trash: the reclaim's log file on the instance. */
  reclaimLog?: string;
  /** rename-trash: trash directories of earlier purges still there when this one started. */
  leftoverTrash?: number;
  /** rename-trash: a reclaim was still running when this purge started. */
  reclaimRunning?: boolean;
  /** rename-trash: the outcome of the last reclaim that finished before this purge. */
  previousReclaim?: PreviousReclaim;
  /** find-delete on CachePurge-FastCGI: why there was no instant purge (e.g. the cache directory is its own mount). */
  fallback?: string;
  /** Anything else the document reports (path, user, trash, …). */
  [extra: string]: unknown;
}

/** What a finished background reclaim reported (the last-reclaim file the next purge reads). */
export interface PreviousReclaim {
  finishedAt: string;
  files: number;
  bytes: number;
  trashDirs: number;
  durationMs: number;
  complete: boolean;
}

/** Whether the result's `files` and `bytes` were counted (false for a plugin CLI flush and a detaching purge). */
export const isCounted = (result: PurgeResult) => result.counted !== false;

/** Whether the purge detached the cache out of sight and left the deletion to a background reclaim. */
export const isDetached = (result: PurgeResult): result is PurgeResult & { detached: number } =>
  result.detached !== undefined;

const isCount = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
const isOptional = (value: unknown, check: (v: unknown) => boolean) => value === undefined || check(value);
const isText = (v: unknown) => typeof v === 'string';
const isFlag = (v: unknown) => typeof v === 'boolean';

function isPreviousReclaim(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    isText(r.finishedAt) && [r.files, r.bytes, r.trashDirs, r.durationMs].every(isCount) && isFlag(r.complete)
  );
}

/** The optional fields, each of its type when present (a result with one of the wrong type is no result). */
function optionalFieldsValid(v: Record<string, unknown>): boolean {
  return (
    isOptional(v.counted, isFlag) &&
    [v.detached, v.notDetached, v.leftoverTrash].every((n) => isOptional(n, isCount)) &&
    [v.reclaim, v.reclaimUnit, v.reclaimLog, v.fallback].every((t) => isOptional(t, isText)) &&
    isOptional(v.reclaimRunning, isFlag) &&
    isOptional(v.previousReclaim, isPreviousReclaim)
  );
}

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
      if (!isCount(v.files) || !isCount(v.bytes) || !isCount(v.durationMs) || typeof v.method !== 'string')
        return undefined;
      if (!optionalFieldsValid(v)) return undefined;
      return v as PurgeResult;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
