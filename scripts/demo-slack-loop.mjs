// `npm run demo`, parts 6–8: the loop closed in Slack. A purge of several sites typed in Slack
// (`/clear-cache portal main`) is answered by the relay's ephemeral confirm prompt; the confirming
// click — an interactivity request as Slack sends it (`payload=` form body, signed like a command) —
// dispatches once to the GitHub API double; the workflow's action runs both sites with the bot token
// and its Web API pointed at the Slack sink (SLACK_API_URL), the live message printed each time the
// sink receives it, from "Purging…" to the per-site result, with main failing on one instance and the
// requester mentioned in a thread reply; then the same click sent again is refused.
// I/O: HTTP to the relay, runs the action bundle (demo-action.mjs), prints.

import { actionStep, bold, dim, indent, runBundledAction, slackText } from './demo-action.mjs';

/** A bot token shaped like Slack's (xoxb-…); the Slack sink accepts any. */
const BOT_TOKEN = 'xoxb-000000000000-000000000000-demoBotToken0123456789ab';
const CHANNEL = 'C0001';
const FAILING_INSTANCE = 'i-0a1b2c3d4e5f60002';

/** The demo's AWS script, but main's WP Rocket step fails on one of its three instances. */
function mainFailsOnOneInstance(awsScript) {
  const wpRocket = awsScript.documents['CachePurge-WPRocket'];
  return {
    ...awsScript,
    documents: {
      ...awsScript.documents,
      'CachePurge-WPRocket': {
        ...wpRocket,
        instances: {
          [FAILING_INSTANCE]: {
            runMs: 600,
            exitCode: 1,
            stdout:
              'Clearing WP Rocket cache of /var/www/main as www-data: wp rocket clean --confirm\n' +
              'Error: Error establishing a database connection.',
            stderr:
              'CachePurge-WPRocket: failed: wp rocket clean --confirm exited with status 1 (output above)',
          },
        },
      },
    },
  };
}

const headerOf = (body) => body?.blocks?.[0]?.text?.text;

/** Waits (at most 2 s) until `found()` returns something: the relay writes its log line as it answers. */
async function eventually(found) {
  for (let waited = 0; waited < 2_000; waited += 20) {
    const value = found();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

export async function slackLoop({ aws, awsScript, slack, github, relay, check, user, vars, secrets }) {
  const mention = `<@${user.id}>`;
  const dispatchesBefore = github.dispatches.length;

  // 6. the command, the prompt, the click
  console.log(bold(`\n━━ 6. Several sites from Slack: ${mention} types /clear-cache portal main`));
  const ask = await relay.command({ text: 'portal main', user_id: user.id, user_name: user.name });
  console.log(
    `  relay answered HTTP ${ask.status} in ${ask.ms.toFixed(0)} ms, a prompt only ${mention} sees:`,
  );
  if (ask.json) console.log(slackText(ask.json, 'Slack · only visible to you'));
  const buttons = ask.json?.blocks?.find((b) => b.type === 'actions')?.elements ?? [];
  const button = buttons.find((b) => b.action_id === 'confirm_purge');
  check(
    ask.status === 200 &&
      ask.json?.response_type === 'ephemeral' &&
      button?.confirm !== undefined &&
      github.dispatches.length === dispatchesBefore,
    `the relay asked ${mention} to confirm (ephemeral; "${button?.text?.text}" opens Slack's confirm dialog) and started nothing yet`,
  );

  console.log(
    bold(
      `\n  ${mention} clicks "${button?.text?.text}", then "${button?.confirm?.confirm?.text}" in the dialog`,
    ),
  );
  console.log(
    dim(
      "  Slack posts the click to the relay's URL for commands: a form with one field, payload=<JSON>, signed like a command",
    ),
  );
  const promptUpdatesFrom = slack.requests.length;
  const click = await relay.click({
    token: button?.value ?? '',
    user: user.id,
    userName: user.name,
    channel: CHANNEL,
    responseUrl: `${slack.origin}/actions/T0001/1/abc`,
  });
  const dispatch = github.dispatches.at(-1);
  const replaced = slack.requests.slice(promptUpdatesFrom).map((r) => r.body);
  console.log(
    `  relay answered HTTP ${click.status} in ${click.ms.toFixed(0)} ms and replaced the prompt through the click's response_url:`,
  );
  for (const update of replaced) console.log(slackText(update, 'Slack · only visible to you'));
  console.log(
    `  POST /repos/${dispatch?.owner}/${dispatch?.repo}/actions/workflows/${dispatch?.workflow}/dispatches\n` +
      `  ${github.requests.filter((r) => r.route === 'dispatch').at(-1)?.body}`,
  );
  check(
    click.status === 200 &&
      github.dispatches.length === dispatchesBefore + 1 &&
      dispatch.inputs.site === 'portal' &&
      dispatch.inputs.sites === 'portal,main' &&
      dispatch.inputs.requester === mention &&
      dispatch.inputs['slack-channel'] === CHANNEL,
    `the confirming click dispatched once (run ${dispatch?.runId}): sites portal,main (site portal, a valid choice), slack-channel ${CHANNEL}`,
  );
  check(
    replaced.length === 1 &&
      replaced[0]?.text?.startsWith(`Confirmed by ${mention} — cache purge of *portal,main* — <http`),
    `the prompt now reads "Confirmed by ${mention} — cache purge of *portal,main* — <run link>"`,
  );

  // 7. the run, its live message
  console.log(
    bold(
      `\n━━ 7. GitHub runs examples/purge-cache.yml (run ${dispatch?.runId}) for portal,main, with the bot token`,
    ),
  );
  console.log(
    dim(`  The AWS double fails main's WP Rocket step on ${FAILING_INSTANCE} (the database is down there).`),
  );
  aws.reset(mainFailsOnOneInstance(awsScript));
  const inputs = actionStep('examples/purge-cache.yml', 'purge', {
    inputs: dispatch?.inputs ?? {},
    vars,
    secrets: { ...secrets, SLACK_BOT_TOKEN: BOT_TOKEN },
  });
  console.log(
    dim(`  with: ${JSON.stringify({ ...inputs, 'slack-webhook-url': '***', 'slack-bot-token': '***' })}`),
  );
  console.log(dim(`  SLACK_API_URL=${slack.apiUrl}: the Web API client talks to the Slack sink`));
  const runFrom = slack.requests.length;
  const started = Date.now();
  const stopWatching = slack.onRequest((request) => {
    if (request.apiMethod === undefined) return;
    const args = request.body ?? {};
    const seconds = ((request.at - started) / 1000).toFixed(1);
    const what = args.thread_ts ? 'chat.postMessage in the thread of the live message' : request.apiMethod;
    console.log(bold(`  ⇢ Slack Web API at +${seconds} s: ${what} (channel ${args.channel})`));
    console.log(slackText(args, args.thread_ts ? 'Slack · thread reply' : 'Slack · #ops'));
  });
  const run = await runBundledAction(inputs, {
    ...aws.env(),
    SLACK_API_URL: slack.apiUrl,
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_RUN_ID: String(dispatch?.runId ?? 1),
    GITHUB_ACTOR: 'cache-purge-relay[bot]',
  }).finally(stopWatching);
  const summaryHead = run.summary.split('\n## ')[0].trim();
  console.log(bold('\n  Job summary (the overview; each site follows in full)'));
  console.log(indent(summaryHead));
  console.log('');

  const report = run.outputs.report ? JSON.parse(run.outputs.report) : undefined;
  const sites = (report?.sites ?? []).map((s) => `${s.context.site} ${s.status}`).join(', ');
  check(
    run.code !== 0 && run.outputs.status === 'failure' && sites === 'portal success, main failure',
    `the run failed as it should (exit ${run.code}, status ${run.outputs.status}): ${sites || 'no report'}`,
  );
  const calls = slack.requests.slice(runFrom);
  const api = calls.filter((r) => r.apiMethod !== undefined);
  const [first] = api;
  const updates = api.filter((r) => r.apiMethod === 'chat.update');
  const ts = updates[0]?.body?.ts;
  const progress = updates.slice(0, -1);
  const final = updates.at(-1);
  check(
    first?.apiMethod === 'chat.postMessage' &&
      first.body?.channel === CHANNEL &&
      headerOf(first.body) === '⏳ Purging 2 sites…' &&
      progress.length >= 1 &&
      progress.every((u) => headerOf(u.body) === '⏳ Purging 2 sites…') &&
      updates.every((u) => u.body?.ts === ts) &&
      headerOf(final?.body) === '❌ 2 sites: 1 purged, 1 failed (main)',
    `one live message in ${CHANNEL}: posted "⏳ Purging 2 sites…", updated ${progress.length} times, ended "${headerOf(final?.body) ?? 'none'}"`,
  );
  const gaps = [first, ...updates].slice(1).map((u, i) => u.at - [first, ...updates][i].at);
  check(
    gaps.length > 0 && gaps.every((gap) => gap >= 1000),
    `the message changed at most once a second (gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join(', ')} s)`,
  );
  const reply = api.at(-1);
  check(
    api.length === updates.length + 2 &&
      reply?.apiMethod === 'chat.postMessage' &&
      reply.body?.thread_ts === ts &&
      /^<@\w+>, 1 site of 2 failed: .*\n• \*main\*: WP Rocket: /.test(reply.body?.text ?? '') &&
      reply.body.text.startsWith(mention),
    `the failure was replied in the message's thread, mentioning ${mention}`,
  );
  const printed = run.stdout.replace(/^::add-mask::.*$/gm, '');
  check(
    calls.length === api.length &&
      api.every((r) => r.token === BOT_TOKEN) &&
      run.stdout.includes(`::add-mask::${BOT_TOKEN}`) &&
      !printed.includes(BOT_TOKEN) &&
      !run.summary.includes(BOT_TOKEN),
    'every Slack call used the bot token (no webhook post); the token was masked and never printed',
  );

  // 8. the same click again
  console.log(
    bold(
      '\n━━ 8. The same click sent again (a double click, Slack retrying, or a captured request replayed)',
    ),
  );
  const seen = relay.logs.length;
  const slackBefore = slack.requests.length;
  const again = await relay.post(click.request);
  const line = await eventually(() =>
    relay.logs.slice(seen).find((entry) => entry.event === 'slack_interaction'),
  );
  console.log(`  relay answered HTTP ${again.status}; its log line:`);
  console.log(indent(JSON.stringify(line ?? null)));
  check(
    again.status === 200 &&
      line?.decision === 'click_refused' &&
      line?.reason === 'replayed' &&
      github.dispatches.length === dispatchesBefore + 1 &&
      slack.requests.length === slackBefore,
    'the replayed click was refused (click_refused, replayed): still one dispatch, the prompt left alone',
  );
}
