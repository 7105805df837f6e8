// Keeps each confirmation token to one dispatch: remembers the nonces of the tokens it has let through
// until they expire (a token is refused past its expiry anyway), so a second click — a double click,
// Slack sending the request again, or a captured request replayed — starts nothing. In memory, per
// relay process: one Lambda container or one Node server. (Two containers answering the two copies of
// one click within the same 5 minutes would each let it through; the first click also replaces the
// prompt, so its button is gone.) Bounded: at most `maxEntries` nonces, the oldest expiring first.

export interface ReplayGuard {
  /** True the first time a nonce is claimed before `expiresAtMs`; false for every later claim. */
  claim(nonce: string, expiresAtMs: number, nowMs: number): boolean;
}

export function createReplayGuard(maxEntries = 10_000): ReplayGuard {
  const used = new Map<string, number>();
  return {
    claim(nonce, expiresAtMs, nowMs) {
      for (const [key, expires] of used) {
        if (expires < nowMs || used.size >= maxEntries) used.delete(key);
        else break; // insertion order ≈ expiry order: the rest are younger
      }
      if (used.has(nonce)) return false;
      used.set(nonce, expiresAtMs);
      return true;
    },
  };
}
