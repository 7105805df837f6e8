// A verified slash-command body → the command's ids and text, who may use it, and what the text asks
// for (with a "did you mean" site for a misspelt one, from the project's closestMatch). Parsing happens
// only after the signature is verified; authorisation uses ids only (channel and user *names* change
// and can be reused). Pure.

import type { RelayConfig } from './config.js';
import { closestMatch } from '../../shared/suggest.js';
import { ALL_SITES } from '../../shared/all-sites.js';
import { SLACK_ID } from './slack-id.js';

export interface SlashCommand {
  teamId: string;
  channelId: string;
  userId: string;
  command: string;
  text: string;
}

type ParseResult =
  { kind: 'command'; command: SlashCommand } | { kind: 'ssl_check' } | { kind: 'malformed'; reason: string };

const REQUIRED_FIELDS = ['team_id', 'channel_id', 'user_id', 'command'] as const;
const COMMAND = /^\/[^\s\p{Cc}]{1,31}$/u;

/** Parses the form body with URLSearchParams (which decodes %XX and +); duplicate keys are refused. */
export function parseSlashCommand(body: string): ParseResult {
  const params = new URLSearchParams(body);
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key)) return { kind: 'malformed', reason: 'duplicate_key' };
    seen.add(key);
  }
  if (params.get('ssl_check') === '1') return { kind: 'ssl_check' };
  for (const field of REQUIRED_FIELDS) {
    if (!params.get(field)) return { kind: 'malformed', reason: `missing_${field}` };
  }
  const teamId = params.get('team_id')!;
  const channelId = params.get('channel_id')!;
  const userId = params.get('user_id')!;
  const command = params.get('command')!;
  if (!SLACK_ID.test(teamId)) return { kind: 'malformed', reason: 'bad_team_id' };
  if (!SLACK_ID.test(channelId)) return { kind: 'malformed', reason: 'bad_channel_id' };
  if (!SLACK_ID.test(userId)) return { kind: 'malformed', reason: 'bad_user_id' };
  if (!COMMAND.test(command)) return { kind: 'malformed', reason: 'bad_command' };
  return { kind: 'command', command: { teamId, channelId, userId, command, text: params.get('text') ?? '' } };
}

type Authorisation =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'team_not_allowed' | 'channel_not_allowed' | 'user_not_allowed';
      variable: string;
    };

export function authorise(command: SlashCommand, config: RelayConfig): Authorisation {
  if (config.allowedTeamIds && !config.allowedTeamIds.has(command.teamId)) {
    return { allowed: false, reason: 'team_not_allowed', variable: 'ALLOWED_TEAM_IDS' };
  }
  if (config.allowedChannelIds && !config.allowedChannelIds.has(command.channelId)) {
    return { allowed: false, reason: 'channel_not_allowed', variable: 'ALLOWED_CHANNEL_IDS' };
  }
  if (config.allowedUserIds && !config.allowedUserIds.has(command.userId)) {
    return { allowed: false, reason: 'user_not_allowed', variable: 'ALLOWED_USER_IDS' };
  }
  return { allowed: true };
}

const MAX_TEXT_LENGTH = 100;

type TextIntent =
  | { kind: 'usage' }
  | { kind: 'site'; site: string }
  /** Several sites (in SITES' order, each once), or every site (`all`): confirmed before dispatch. */
  | { kind: 'sites'; sites: string[]; all: boolean }
  | {
      kind: 'invalid';
      reason: 'unknown_site' | 'all_with_sites' | 'control_characters' | 'too_long';
      shown?: string;
      /** For an unknown site shown back: the site it most likely misspells (closestMatch). */
      suggestion?: string;
    };

/**
 * Trimmed, case-insensitive: empty or "help" → usage; `all` → every site; one or more known sites
 * (separated by spaces or commas) → those sites; anything else → invalid (the first unknown word).
 */
export function interpretText(raw: string, sites: readonly string[]): TextIntent {
  const text = raw.trim();
  if (text.length > MAX_TEXT_LENGTH) return { kind: 'invalid', reason: 'too_long' };
  if (/[\p{Cc}\u2028\u2029]/u.test(text)) return { kind: 'invalid', reason: 'control_characters' };
  const lower = text.toLowerCase();
  if (lower === '' || lower === 'help') return { kind: 'usage' };
  const words = lower.split(/[\s,]+/).filter((word) => word !== '');
  if (words.includes(ALL_SITES)) {
    return words.every((word) => word === ALL_SITES)
      ? { kind: 'sites', sites: [...sites], all: true }
      : { kind: 'invalid', reason: 'all_with_sites' };
  }
  const unknown = words.find((word) => !sites.includes(word));
  if (unknown !== undefined) {
    // Echo the word back only when it is plainly a word; anything else is not repeated to the channel.
    if (!/^[a-z0-9._-]{1,40}$/.test(unknown)) return { kind: 'invalid', reason: 'unknown_site' };
    const suggestion = closestMatch(unknown, sites);
    return {
      kind: 'invalid',
      reason: 'unknown_site',
      shown: unknown,
      ...(suggestion !== undefined && { suggestion }),
    };
  }
  const asked = sites.filter((site) => words.includes(site));
  return asked.length === 1 ? { kind: 'site', site: asked[0]! } : { kind: 'sites', sites: asked, all: false };
}
