// What the relay shows around a broad purge (`/clear-cache all`, or several sites): the ephemeral
// Block Kit prompt whose button opens Slack's confirm dialog and carries the signed token, and the
// messages that replace the prompt through its `response_url` once it is clicked — confirmed (with the
// run link), cancelled, expired, or not verifiable. Pure.

import { escapeMrkdwn } from '../../shared/mrkdwn.js';
import { plural } from '../../shared/text.js';
import type { RelayResponse } from './reply.js';
import { CANCEL_ACTION, CONFIRM_ACTION } from './interaction.js';
import { CONFIRM_TTL_MS } from './confirm-token.js';

/** A message for a `response_url`: replaces the prompt (only its user ever saw it). */
export interface PromptUpdate {
  replace_original: true;
  response_type: 'ephemeral';
  text: string;
}

export const promptUpdate = (text: string): PromptUpdate => ({
  replace_original: true,
  response_type: 'ephemeral',
  text,
});

const plain = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });
/** The sites as code spans, `a`, `b`: for the prompt and the relay's other replies. */
export const siteList = (sites: readonly string[]) =>
  sites.map((site) => `\`${escapeMrkdwn(site)}\``).join(', ');
const count = (sites: readonly string[]) => plural(sites.length, 'site');

/** The ephemeral prompt: what would be purged, a danger button with Slack's confirm dialog, a cancel button. */
export function confirmPrompt(sites: readonly string[], all: boolean, token: string): RelayResponse {
  const what = all
    ? `*every site* (${count(sites)}: ${siteList(sites)})`
    : `*${count(sites)}*: ${siteList(sites)}`;
  const minutes = Math.round(CONFIRM_TTL_MS / 60_000);
  const body = {
    response_type: 'ephemeral',
    text: `Purge every cache layer of ${count(sites)} (${sites.join(', ')})? Confirm within ${minutes} minutes.`,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Purge every cache layer of ${what}? They purge in one workflow run, and the result shows up in this channel. Only you can confirm, within ${minutes} minutes.`,
        },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: CONFIRM_ACTION,
            style: 'danger',
            text: plain(`Purge ${count(sites)}`),
            value: token,
            confirm: {
              title: plain(`Purge ${count(sites)}?`),
              text: {
                type: 'mrkdwn',
                text: `Every cache layer of ${siteList(sites)} is purged: plugin cache, nginx FastCGI cache and CloudFront. Visitors hit the origin until the caches refill.`.slice(
                  0,
                  300,
                ),
              },
              confirm: plain('Purge'),
              deny: plain('Not now'),
              style: 'danger',
            },
          },
          { type: 'button', action_id: CANCEL_ACTION, text: plain('Cancel'), value: 'cancel' },
        ],
      },
    ],
  };
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

export const CLICK_TEXTS = {
  cancelled: 'Cancelled: nothing was purged.',
  expired: `This confirmation expired (it lasts ${Math.round(CONFIRM_TTL_MS / 60_000)} minutes): nothing was started. Type the command again.`,
  bad_token:
    'This confirmation could not be verified (the relay may have a new signing secret): nothing was started. Type the command again.',
} as const;
