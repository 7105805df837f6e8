// Slack mrkdwn escaping, shared by the action's result message and the relay's replies: the three
// characters Slack treats as control characters. Pure.

/** Escapes `&`, `<` and `>`; everything user-supplied goes through this before it reaches Slack. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
