// `npm run demo`: the whole chain on this machine, with no accounts. Local stand-ins play AWS (SSM,
// CloudFront, STS and the GitHub OIDC endpoint: __tests__/helpers/aws-double.ts), Slack's incoming
// webhook (slack-sink.ts) and GitHub's REST API (github-double.ts); the relay is the real bundle
// (node dist/relay/server.js) and the action is the real bundle (node dist/index.js), started the way
// the GitHub runner starts it, with the `with:` of the example workflows.
//
//   1. Slack → relay: a signed `/clear-cache portal`; the relay verifies it and answers Slack.
//   2. relay → GitHub: the workflow_dispatch of examples/purge-cache.yml.
//   3. GitHub → the action: that workflow's step runs, purges against the AWS double, reports to Slack.
//   4. Then a deploy-triggered purge of `main` (examples/deploy.yml's purge job).
//   5. The visitor's side: portal with a `verify` step last, behind a CloudFront stand-in whose cache the
//      AWS double's CreateInvalidation evicts, in front of an origin that caches like nginx — once with
//      every layer fresh, once with invalidation paths that miss /shop/, which the verify step catches.
//   6–8. The loop closed in Slack (demo-slack-loop.mjs): `/clear-cache portal main` asks to confirm, the
//      signed click dispatches once, the run posts its live message to the Slack sink's Web API and
//      updates it to the per-site result (main failing), replying in its thread; a replayed click fails.
//
// Each hop is printed as a user would read it. Exits 0 only if every hop worked.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startAwsDouble } from '../__tests__/helpers/aws-double.ts';
import { startSlackSink } from '../__tests__/helpers/slack-sink.ts';
import { startGitHubDouble } from '../__tests__/helpers/github-double.ts';
import { startRelay } from '../__tests__/helpers/relay-server.ts';
import { exampleConfig, repoRoot } from '../__tests__/helpers/run-action.ts';
import { startCdnDouble } from '../__tests__/helpers/cdn-double.ts';
import { startOrigin } from '../__tests__/helpers/caching-origin.ts';
import { actionStep, bold, createChecks, dim, indent, runBundledAction, slackText } from './demo-action.mjs';
import { slackLoop } from './demo-slack-loop.mjs';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/cache-purge';
const SLACK_USER = 'U2CERLKJA';

// ── what the AWS double's instances answer ──────────────────────────────────────────────────────────
// The documents' own result lines: the plugins' CLI flush counts nothing ("counted":false), the FastCGI
// purge counts files and bytes while deleting.
const result = (files, bytes, method, extra = {}) =>
  `CACHE_PURGE_RESULT ${JSON.stringify({ files, bytes, ...extra, method, durationMs: 40 + (files % 200) })}`;
const MAIN_INSTANCES = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'i-0a1b2c3d4e5f60003'];
const awsScript = {
  tags: { 'Site=main': MAIN_INSTANCES },
  documents: {
    'CachePurge-W3TotalCache': {
      default: {
        runMs: 700,
        stdout: `Flushing W3 Total Cache of /var/www/portal as www-data: wp w3-total-cache flush all\nSuccess: Everything flushed successfully.\n${result(0, 0, 'wp-cli', { counted: false })}`,
      },
    },
    'CachePurge-WPRocket': {
      default: {
        runMs: 900,
        stdout: `Clearing WP Rocket cache of /var/www/main as www-data: wp rocket clean --confirm\nSuccess: WP Rocket cache cleared.\n${result(0, 0, 'wp-rocket-cli', { counted: false })}`,
      },
    },
    'CachePurge-FastCGI': {
      default: {
        runMs: 400,
        stdout: `purged /var/cache/nginx\n${result(12_480, 1_288_490_188, 'find-delete')}`,
      },
    },
  },
  cloudfront: { completeAfterMs: 1_500 },
};

// ── the chain ───────────────────────────────────────────────────────────────────────────────────────

const { checks, check } = createChecks();

const purgeWorkflow = parse(readFileSync(join(repoRoot, 'examples/purge-cache.yml'), 'utf8'));

const aws = await startAwsDouble(awsScript);
const slack = await startSlackSink();
const github = await startGitHubDouble({
  repository: 'acme/website',
  workflows: { 'purge-cache.yml': { id: 1, inputs: purgeWorkflow.on.workflow_dispatch.inputs } },
});
const relay = await startRelay({ ...github.env('app'), SITES: 'portal,main' });
const secrets = { SLACK_WEBHOOK_URL: slack.webhookUrl, SLACK_BOT_TOKEN: '' };
const vars = { CACHE_PURGE_ROLE_ARN: ROLE_ARN };

/** One purge as GitHub would run it, then what Slack shows. */
async function purge(title, inputs, env, options = {}) {
  aws.reset({ ...awsScript, ...options.aws });
  const before = slack.requests.length;
  console.log(bold(`\n  ${title}`));
  console.log(dim(`  with: ${JSON.stringify({ ...inputs, 'slack-webhook-url': '***' })}`));
  const run = await runBundledAction(inputs, { ...aws.env(), ...env }, options.sitesFile);
  console.log(bold('\n  Job summary'));
  console.log(indent(run.summary.trim()));
  const issued = aws.issuedCredentials.at(-1);
  const calls = aws.calls.filter((c) => c.service === 'ssm' || c.service === 'cloudfront');
  const messages = slack.requests.slice(before);
  console.log(bold('\n  Slack: the result message, as the channel shows it'));
  for (const message of messages) console.log(slackText(message.body));
  console.log('');
  if (options.expectFailure) {
    const header = messages[0]?.body?.blocks?.[0]?.text?.text;
    check(
      run.code !== 0 &&
        run.outputs.status === 'failure' &&
        messages.length === 1 &&
        header === options.expectFailure,
      `the action failed as it should (exit ${run.code}, status ${run.outputs.status}); Slack: "${header ?? 'none'}"`,
    );
    return run;
  }
  check(
    run.code === 0 && run.outputs.status === 'success',
    `the action exited ${run.code} with status ${run.outputs.status}`,
  );
  check(
    Boolean(issued) && calls.length > 0 && calls.every((c) => c.accessKeyId === issued.accessKeyId),
    `all ${calls.length} SSM/CloudFront calls were signed with the role assumed through OIDC (${issued?.accessKeyId ?? 'none'})`,
  );
  check(
    messages.length === 1 && messages[0].body?.blocks?.[0]?.text?.text === `✅ ${inputs.site} purged`,
    `Slack received exactly one message: "${messages[0]?.body?.blocks?.[0]?.text?.text ?? 'none'}"`,
  );
  return run;
}

try {
  console.log(bold('cache-purge-action demo: the whole chain, on this machine, with no accounts'));
  console.log(
    dim(
      `  AWS double ${aws.url} · Slack sink ${slack.origin} · GitHub API double ${github.url} · relay ${relay.url}\n` +
        '  The relay and the action are the committed bundles (dist/relay/server.js, dist/index.js).',
    ),
  );

  // 1. Slack → relay
  console.log(bold(`\n━━ 1. In Slack, <@${SLACK_USER}> types: /clear-cache portal`));
  const ack = await relay.command({ text: 'portal', user_id: SLACK_USER, user_name: 'dana' });
  console.log(`  relay answered HTTP ${ack.status} in ${ack.ms.toFixed(0)} ms (Slack allows 3,000 ms):`);
  console.log(indent(`[${ack.json?.response_type}] ${ack.json?.text}`));
  check(
    ack.status === 200 && ack.json?.response_type === 'in_channel',
    'the relay verified the signature and acknowledged in the channel',
  );

  // 2. relay → GitHub
  const dispatch = github.dispatches.at(-1);
  console.log(bold('\n━━ 2. The relay asked GitHub to run the purge workflow'));
  console.log(
    `  POST /repos/${dispatch?.owner}/${dispatch?.repo}/actions/workflows/${dispatch?.workflow}/dispatches` +
      ` (GitHub App installation token)\n  ${github.requests.filter((r) => r.route === 'dispatch').at(-1)?.body}`,
  );
  check(
    github.dispatches.length === 1 &&
      dispatch.inputs.site === 'portal' &&
      dispatch.inputs.requester === `<@${SLACK_USER}>`,
    `GitHub received one workflow_dispatch (run ${dispatch?.runId}) for portal, requested by <@${SLACK_USER}>`,
  );

  // 3. GitHub runs examples/purge-cache.yml
  console.log(
    bold(`\n━━ 3. GitHub runs examples/purge-cache.yml (run ${dispatch?.runId}): the action purges portal`),
  );
  await purge(
    'Live log of the purge job',
    actionStep('examples/purge-cache.yml', 'purge', {
      inputs: dispatch?.inputs ?? {},
      vars,
      secrets,
    }),
    {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_RUN_ID: String(dispatch?.runId ?? 1),
      GITHUB_ACTOR: 'cache-purge-relay[bot]',
    },
  );

  // 4. A deploy of main
  console.log(bold('\n━━ 4. A push to main deploys the main site; its purge job runs after the deploy job'));
  const deployInputs = {
    ...actionStep('examples/deploy.yml', 'purge-cache', { vars, secrets }),
    site: 'main',
  };
  await purge('Live log of the purge-cache job (examples/deploy.yml, with site: main)', deployInputs, {
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '4242',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SHA: '3f2a9c1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b',
    GITHUB_REF_NAME: 'main',
  });

  // 5. The visitor's side
  console.log(
    bold('\n━━ 5. portal with a verify step: is every cache layer fresh for visitors, and does it refill?'),
  );
  const origin = await startOrigin();
  let cdnOffsetMs = 0;
  const cdn = await startCdnDouble(origin.server.base, { now: () => Date.now() + cdnOffsetMs });
  try {
    /** The example's portal, its CloudFront step invalidating `paths`, then a verify step of two pages. */
    const withVerify = (paths) => {
      const config = parse(exampleConfig);
      const steps = config.sites.portal.steps;
      steps[steps.length - 1].cloudfront.paths = paths;
      steps.push({ verify: { urls: [`${cdn.base}/`, `${cdn.base}/shop/`] } });
      return stringify({ region: config.region, sites: { portal: config.sites.portal } });
    };
    const verified = async (title, runId, paths, expectFailure) => {
      // visitors cached both pages before the run, an hour "ago" as far as the CDN's Age and the pages' X-Generated-At say
      cdn.invalidate(['/*']);
      origin.purge();
      cdnOffsetMs = 0;
      origin.state.clockOffsetMs = -3_600_000;
      for (const page of ['/', '/shop/']) await fetch(cdn.base + page).then((r) => r.text());
      origin.state.clockOffsetMs = 0;
      cdnOffsetMs = 3_600_000;
      origin.purge(); // what the FastCGI step does on a real instance (the AWS double only answers for it)
      console.log(
        dim(`  sites file: the example's portal, CloudFront paths ${JSON.stringify(paths)}, then verify`),
      );
      return purge(
        title,
        {
          ...actionStep('examples/purge-cache.yml', 'purge', {
            inputs: dispatch?.inputs ?? {},
            vars,
            secrets,
          }),
        },
        { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_RUN_ID: runId, GITHUB_ACTOR: 'dana' },
        {
          sitesFile: withVerify(paths),
          aws: { cloudfront: { completeAfterMs: 900, onInvalidation: (p) => cdn.invalidate(p) } },
          ...(expectFailure && { expectFailure }),
        },
      );
    };
    await verified(
      'Invalidating /*: the verify step finds both pages fresh at the CDN and the origin',
      '5150',
      ['/*'],
    );
    await verified(
      "Invalidating only /: the verify step catches /shop/, still the CDN's hour-old copy",
      '5151',
      ['/'],
      '❌ portal purge failed at Verify',
    );
  } finally {
    await cdn.close();
    await origin.server.close();
  }

  // 6–8. The loop closed in Slack
  await slackLoop({
    aws,
    awsScript,
    slack,
    github,
    relay,
    check,
    user: { id: SLACK_USER, name: 'dana' },
    vars,
    secrets,
  });
} finally {
  await relay.stop();
  await Promise.all([aws.close(), slack.close(), github.close()]);
}

const failed = checks.filter((c) => !c.ok);
if (failed.length > 0) {
  console.error(
    `\ndemo FAILED: ${failed.length} of ${checks.length} checks did not hold:\n${failed.map((c) => `  ✘ ${c.what}`).join('\n')}`,
  );
  process.exitCode = 1;
} else {
  console.log(
    bold(
      `\ndemo worked: all ${checks.length} checks held — Slack → relay → GitHub → SSM/CloudFront → Slack.`,
    ),
  );
}
