// Block Kit's limits checked on a Slack payload (for the Slack message tests): header ≤ 150, section
// text ≤ 3,000, fields ≤ 10 of ≤ 2,000, context elements, ≤ 50 blocks, no empty text, nothing like
// "undefined" leaking, balanced code fences.

import { SLACK_LIMITS, type SlackBlock, type SlackPayload } from '../../src/action/report/slack-blocks.js';

/** Every violation of Block Kit's limits in a payload; [] when it is valid. */
export function blockKitProblems(payload: SlackPayload): string[] {
  const problems: string[] = [];
  const text = (where: string, value: unknown, max: number) => {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${where}: empty text`);
    else if (value.length > max) problems.push(`${where}: ${value.length} > ${max} characters`);
    else if (/undefined|\[object Object\]|NaN/.test(value))
      problems.push(`${where}: ${JSON.stringify(value.slice(0, 80))}`);
    if (typeof value === 'string' && (value.match(/```/g) ?? []).length % 2 === 1)
      problems.push(`${where}: unbalanced code fence`);
  };
  text('text', payload.text, 40_000);
  if (payload.blocks.length > SLACK_LIMITS.blocks) problems.push(`${payload.blocks.length} blocks > 50`);
  payload.blocks.forEach((block: SlackBlock, i) => {
    const where = `blocks[${i}] (${block.type})`;
    switch (block.type) {
      case 'header':
        if (block.text.type !== 'plain_text') problems.push(`${where}: header must be plain_text`);
        text(where, block.text.text, SLACK_LIMITS.headerText);
        break;
      case 'section':
        if (!block.text && !block.fields) problems.push(`${where}: neither text nor fields`);
        if (block.text) text(`${where}.text`, block.text.text, SLACK_LIMITS.sectionText);
        if (block.fields) {
          if (block.fields.length > SLACK_LIMITS.fields)
            problems.push(`${where}: ${block.fields.length} fields`);
          block.fields.forEach((f, j) => text(`${where}.fields[${j}]`, f.text, SLACK_LIMITS.fieldText));
        }
        break;
      case 'context':
        if (block.elements.length === 0 || block.elements.length > SLACK_LIMITS.contextElements)
          problems.push(`${where}: ${block.elements.length} elements`);
        block.elements.forEach((e, j) => text(`${where}.elements[${j}]`, e.text, SLACK_LIMITS.sectionText));
        break;
      case 'divider':
        break;
      default:
        problems.push(`${where}: unknown block type`);
    }
  });
  return problems;
}
