// `npm run demo` is the README's first command: run it as a user would (plain Node 24, no accounts) and
// hold it to its promise — every hop of the chain shown, exit 0 only when every check held; then the
// loop closed in Slack: a confirmed purge of two sites, its live message, a failing site, a replayed
// click refused. It runs the committed dist/: what it checks of src/ changes holds once dist/ is rebuilt.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers/run-action.js';

describe('npm run demo (scripts/demo.mjs)', () => {
  it('runs the whole chain — Slack → relay → GitHub → SSM/CloudFront → Slack, confirmed and live — and exits 0', () => {
    const demo = spawnSync(process.execPath, [join(repoRoot, 'scripts/demo.mjs')], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(demo.stderr, demo.stdout).toBe('');
    expect(demo.status, demo.stdout).toBe(0);
    const out = demo.stdout;
    expect(out).toContain('━━ 1. In Slack, <@U2CERLKJA> types: /clear-cache portal');
    expect(out).toMatch(/relay answered HTTP 200 in \d+ ms/);
    expect(out).toContain('[in_channel] Cache purge of *portal* requested by <@U2CERLKJA>');
    expect(out).toContain(
      '{"ref":"main","inputs":{"site":"portal","requester":"<@U2CERLKJA>","slack-channel":"C0001"},"return_run_details":true}',
    );
    expect(out).toContain('▼ 2. FastCGI cache');
    expect(out).toContain('│ ✅ portal purged');
    expect(out).toContain('│ ✅ main purged');
    expect(out).not.toContain('✘');
    // 5. the verify step: one run fresh at every layer, one catching /shop/ stale at the CDN
    expect(out).toContain('│ ✅ Verify');
    expect(out).toMatch(/is stale at the CDN: X-Cache: Hit from cloudfront, Age: \d+/);
    expect(out).toContain("the invalidation's paths (/) do not cover /shop/; add /shop/ or /shop/*");
    expect(out).toContain('│ ❌ portal purge failed at Verify');
    // the verify step's findings in the job summary (tables) and in Slack (short lines)
    expect(out).toContain('| layer | fresh | stale | unverified | not seen |');
    expect(out).toContain('| CDN | 1 | 1 | 0 | 0 |');
    expect(out).toMatch(/\| cold \(first request\) \| 2 \| \d+ ms \| \d+ ms \|/);
    expect(out).toContain('│ CDN 1 fresh · 1 stale · 0 unverified · 0 not seen');
    expect(out).toMatch(/│ TTFB cold p50 \d+ ms \/ p95 \d+ ms · warm p50 \d+ ms \/ p95 \d+ ms/);
    expect(out).toMatch(/│ • http:\/\/127\.0\.0\.1:\d+\/shop\/ at the CDN/);
    // 6. several sites typed in Slack: the ephemeral prompt, the signed click, one dispatch of both
    expect(out).toContain('━━ 6. Several sites from Slack: <@U2CERLKJA> types /clear-cache portal main');
    expect(out).toContain('│ [ Purge 2 sites ]  [ Cancel ]');
    expect(out).toMatch(/│ Confirmed by @U2CERLKJA — cache purge of portal,main —/);
    expect(out).toContain(
      '{"ref":"main","inputs":{"site":"portal","sites":"portal,main","requester":"<@U2CERLKJA>","slack-channel":"C0001"},"return_run_details":true}',
    );
    // 7. the run's live message moves from "Purging…" through updates to the per-site result, then the
    // thread reply; main fails on one instance
    const live = out.slice(out.indexOf('━━ 7.'), out.indexOf('━━ 8.'));
    const calls = [...live.matchAll(/⇢ Slack Web API at \+[\d.]+ s: (.+) \(channel C0001\)\n.*\n(.*)/g)].map(
      ([, method, firstLine]) => `${method} ${firstLine!.replace(/\s*│\s*$/, '').trim()}`,
    );
    expect(calls[0]).toBe('chat.postMessage │ ⏳ Purging 2 sites…');
    expect(calls.slice(1, -2).length).toBeGreaterThanOrEqual(1);
    for (const update of calls.slice(1, -2)) expect(update).toBe('chat.update │ ⏳ Purging 2 sites…');
    expect(calls.at(-2)).toBe('chat.update │ ❌ 2 sites: 1 purged, 1 failed (main)');
    expect(calls.at(-1)).toMatch(
      /^chat\.postMessage in the thread of the live message │ @U2CERLKJA, 1 site of 2 failed/,
    );
    expect(live).toContain('│ ✅ portal purged · ');
    expect(live).toContain('│ ❌ main failed at WP Rocket · ');
    expect(live).toContain('│ • main: WP Rocket: exit code 1 on i-0a1b2c3d4e5f60002');
    // the failed instance's output: WP-CLI's own error (stdout), then the document's line on stderr
    expect(live).toMatch(
      /│ {3}│ Error: Error establishing a database connection\. +│\n.*│ {3}│ CachePurge-WPRocket: failed: /,
    );
    expect(live).toContain('| main | ❌ failed at WP Rocket | 0/3 steps |');
    expect(out).toMatch(/✔ the message changed at most once a second \(gaps [\d.]+(, [\d.]+)* s\)/);
    expect(out).not.toContain('demoBotToken');
    // 8. the same click again starts nothing
    expect(out).toContain('"decision":"click_refused","reason":"replayed"');
    expect(out).toMatch(/demo worked: all 21 checks held/);
  }, 120_000);
});
