// The adapter that replaces a prompt through its `response_url` (Slack's URL from a verified click,
// checked by the core to be Slack's or loopback): one POST of the JSON message with fetch, bounded by
// a deadline, never retried (the answer to Slack must leave in time). Never throws: a failure comes
// back as a short reason for the log. I/O: HTTPS to Slack.

import type { PromptUpdate } from './core/confirm-prompt.js';
import { describeNetworkError } from './core/dispatch.js';

export type PromptUpdater = (
  url: string,
  update: PromptUpdate,
  timeoutMs: number,
) => Promise<{ ok: boolean; reason?: string }>;

/** The updater over `fetch` (the relay server passes its proxied one). */
export const promptUpdater =
  (send: typeof globalThis.fetch): PromptUpdater =>
  async (url, update, timeoutMs) => {
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok
        ? { ok: true }
        : { ok: false, reason: `response_url answered HTTP ${response.status}` };
    } catch (error) {
      const described = describeNetworkError(error);
      return { ok: false, reason: described.code ?? described.message };
    }
  };

export const postPromptUpdate: PromptUpdater = promptUpdater((url, init) => fetch(url, init));
