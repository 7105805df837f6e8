// What the relay decided about one request from Slack (decide.ts for a command, decide-click.ts for a
// click on a prompt): answer now, dispatch (with the confirmed prompt's nonce and response_url), or
// replace a prompt. The shell (relay.ts) carries it out. Types only.

import type { SlashCommand } from './command.js';
import type { PromptUpdate } from './confirm-prompt.js';
import type { DispatchRequest } from './dispatch.js';
import type { RelayResponse, RequestLogFields } from './reply.js';

/** A confirmed click's dispatch: its token's nonce (used once) and where the prompt is replaced. */
export interface Confirmation {
  nonce: string;
  expiresAtMs: number;
  responseUrl: string;
}

export type Decision =
  | { kind: 'respond'; response: RelayResponse; log: RequestLogFields }
  /**
   * `site`: the site, or the sites comma-separated; `dispatches`: one per repository the sites live in
   * (one, unless SITES gives sites their own repositories); `confirm` for a click on a prompt.
   */
  | {
      kind: 'dispatch';
      site: string;
      command: SlashCommand;
      dispatches: DispatchRequest[];
      confirm?: Confirmation;
    }
  /** A click answered by replacing its prompt (cancelled, expired, …): Slack gets an empty 200. */
  | {
      kind: 'update_prompt';
      response: RelayResponse;
      log: RequestLogFields;
      responseUrl: string;
      update: PromptUpdate;
    };
