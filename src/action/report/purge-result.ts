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
const isText = (v: unknown) => typeof v === 'string';
const isFlag = (v: unknown) => typeof v === 'boolean';

function isPreviousReclaim(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return (
    isText(r.finishedAt) && [r.files, r.bytes, r.trashDirs, r.durationMs].every(isCount) && isFlag(r.complete)
  );
}

const COUNT = { check: isCount, type: 'a number ≥ 0' };
const TEXT = { check: isText, type: 'a string' };
const FLAG = { check: isFlag, type: 'true or false' };

/** The fields every result gives. */
const REQUIRED_FIELDS = { files: COUNT, bytes: COUNT, method: TEXT, durationMs: COUNT };

/** The optional fields with a meaning: each of its type when present (the instant purge's own names). */
const TYPED_FIELDS = {
  counted: FLAG,
  detached: COUNT,
  notDetached: COUNT,
  leftoverTrash: COUNT,
  reclaim: TEXT,
  reclaimUnit: TEXT,
  reclaimLog: TEXT,
  fallback: TEXT,
  reclaimRunning: FLAG,
  previousReclaim: {
    check: isPreviousReclaim,
    type: 'an object {finishedAt, files, bytes, trashDirs, durationMs, complete}',
  },
};

/** What a line that is there says: its result, or why it is none (a field named, with what it must be). */
export type PurgeResultReading = { result: PurgeResult } | { problem: string };

/** Text cut to `max` characters with "…" (messages never paste a whole line). */
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
/** A field's value as a message shows it: its JSON, cut. */
const shownValue = (value: unknown) => cut(JSON.stringify(value) ?? String(value), 60);

function resultProblem(v: Record<string, unknown>): string | undefined {
  for (const [field, { check, type }] of Object.entries(REQUIRED_FIELDS)) {
    if (v[field] === undefined) return `"${field}" is missing (${type}, required)`;
    if (!check(v[field])) return `"${field}" must be ${type}, not ${shownValue(v[field])}`;
  }
  for (const [field, { check, type }] of Object.entries(TYPED_FIELDS)) {
    if (v[field] !== undefined && !check(v[field]))
      return `"${field}" must be ${type}, not ${shownValue(v[field])}${field === 'counted' ? '' : " (a name CachePurge-FastCGI's instant purge uses: leave it out of your own result)"}`;
  }
  return undefined;
}

/**
 * The last `CACHE_PURGE_RESULT {json}` line in a script's standard output, read: its result, or why it
 * is not one (not JSON, a required field missing, a field of the wrong type). Undefined when there is
 * no such line. The output itself stays as it is either way.
 */
export function readPurgeResult(stdout: string): PurgeResultReading | undefined {
  const lines = stdout.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (!line.startsWith(`${PURGE_RESULT_MARKER} `)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line.slice(PURGE_RESULT_MARKER.length + 1));
    } catch (error) {
      return {
        problem: `not valid JSON (${cut(error instanceof Error ? error.message : String(error), 120)})`,
      };
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return { problem: `not a JSON object: ${shownValue(value)}` };
    const problem = resultProblem(value as Record<string, unknown>);
    return problem ? { problem } : { result: value as PurgeResult };
  }
  return undefined;
}

/** The last line's result; undefined when there is none or it is not a valid result. */
export function parsePurgeResult(stdout: string): PurgeResult | undefined {
  const reading = readPurgeResult(stdout);
  return reading && 'result' in reading ? reading.result : undefined;
}
