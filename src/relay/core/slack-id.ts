// Slack's ids as the relay accepts them — a team (T…), channel (C…/D…/G…) or user (U…/W…): upper-case
// letters and digits, 2–30 of them. One pattern for the command parser, the click parser and the
// configuration (ALLOWED_* lists), so they cannot disagree on what an id is.

export const SLACK_ID = /^[A-Z0-9]{2,30}$/;
