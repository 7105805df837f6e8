// Why a step failed and what to do about it: groups a failed step's instances by cause (Undeliverable,
// Delivery Timed Out, script exit code, …) and names the likely fix for each, plus the step-level
// causes (AccessDenied, no instances targeted, our step timeout, CloudFront errors). Pure; used by the
// annotations, the job summary and the Slack message so they all say the same thing.

import type {
  CloudFrontStepReport,
  InstanceReport,
  SsmStepReport,
  StepReport,
  VerifyStepReport,
} from './report.js';
import { describeInstanceStatus, failedInstances } from './report-view.js';
import { formatDuration, listFirst, plural } from '../../shared/text.js';

interface Cause {
  /** Short label: `Undeliverable`, `exit code 2`, `AccessDeniedException`. */
  label: string;
  /** Instances with this cause (empty for step-level causes). */
  instanceIds: string[];
  /** What to do, in one sentence. */
  fix: string;
}

const isAccessDenied = (code: string) => /access ?denied|unauthorized|notauthorized/i.test(code);

/**
 * Where an error came from, by its code: raised on the runner before any request was answered — no
 * credentials, or the service not reached (a timeout, a Node network error such as ECONNREFUSED) — or a
 * plain JavaScript error; anything else is the service's own answer (an AWS error name).
 */
export function errorOrigin(code: string): 'credentials' | 'network' | 'runner' | 'service' {
  if (/^(CredentialsProviderError|ProviderError|TokenProviderError)$/.test(code)) return 'credentials';
  if (code === 'TimeoutError' || /^E[A-Z0-9_]{2,}$/.test(code)) return 'network';
  if (/^(Error|TypeError|RangeError|SyntaxError|ReferenceError)$/.test(code)) return 'runner';
  return 'service';
}

/**
 * The code of a step error raised when the assumed-role credentials could not be refreshed mid-run;
 * its message already says what failed and the fix (src/action/run/credential-messages.ts).
 */
export const CREDENTIALS_REFRESH_FAILED = 'CredentialsRefreshFailed';

/** What an error of a step means, truthfully: only the service's own answers say it answered. */
function describeError(service: string, code: string, message: string): string {
  if (code === CREDENTIALS_REFRESH_FAILED) return message;
  switch (errorOrigin(code)) {
    case 'credentials':
      return `no credentials: ${message}. Set the "role-to-assume" input (the job then needs \`permissions: id-token: write\`) or run aws-actions/configure-aws-credentials before this step.`;
    case 'network':
      return `could not reach ${service}: ${message}. Check that the runner can reach the AWS endpoints (network, proxy settings, AWS_ENDPOINT_URL if set), then re-run.`;
    case 'runner':
      return `failed on the runner before ${service} answered: ${message}.`;
    default:
      return `${service} answered: ${message}.`;
  }
}

function ssmStepCauses(step: SsmStepReport): Cause[] {
  const causes: Cause[] = [];
  const code = step.error?.code ?? '';
  if (isAccessDenied(code)) {
    causes.push({
      label: code,
      instanceIds: [],
      fix: `the role was denied by IAM: allow ssm:SendCommand on the document (arn:aws:ssm:${step.region}:*:document/${step.document}) and on the target instances (arn:aws:ec2:${step.region}:*:instance/*, optionally limited with the ssm:resourceTag/… condition), and ssm:ListCommands, ssm:ListCommandInvocations, ssm:GetCommandInvocation and ssm:CancelCommand on "*".`,
    });
  } else if (
    code === 'NoInstancesTargeted' ||
    (step.status !== 'skipped' && step.targetCount === 0 && !code)
  ) {
    causes.push({
      label: 'no instances targeted',
      instanceIds: [],
      fix: 'no instance matched the step\'s targets: check the tags or instance ids in the sites file, and that the instances are running and "Online" in Systems Manager Fleet Manager.',
    });
  } else if (step.status === 'timed-out' || code === 'StepTimedOut') {
    causes.push({
      label: 'timed out',
      instanceIds: [],
      fix: `the step was still running after ${formatDuration(step.durationMs)} and its command was cancelled: raise the step-timeout-seconds input, or find out why the script is slow on the instances below.`,
    });
  } else if (code && failedInstances(step).length === 0) {
    // an API error; when instances failed, their own causes below say more than the step's summary
    causes.push({
      label: code,
      instanceIds: [],
      fix: describeError('AWS', code, step.error?.message ?? code),
    });
  }

  const groups = new Map<string, { instances: InstanceReport[]; fix: string }>();
  for (const instance of failedInstances(step)) {
    const details = instance.statusDetails || instance.status;
    let label = details;
    let fix: string;
    if (/undeliverable/i.test(details)) {
      fix =
        'SSM could not deliver the command: the SSM agent is not running on the instance, or its instance profile lacks the AmazonSSMManagedInstanceCore policy (Fleet Manager must show it "Online").';
    } else if (/delivery timed out/i.test(details)) {
      fix =
        'the instance did not pick up the command within the delivery timeout: it is offline or stopped; start it or remove it from the targets.';
    } else if (/execution timed out/i.test(details)) {
      fix = "the script ran longer than the document's executionTimeout: see its output.";
    } else if (/access denied/i.test(details)) {
      fix =
        "the instance was denied access: check the instance profile's IAM policy (and any S3/KMS access the document needs).";
    } else if (/terminated/i.test(details)) {
      fix = 'SSM stopped sending after max-errors was exceeded: fix the first failing instance.';
    } else if (/cancel/i.test(details)) {
      fix = 'the command was cancelled on this instance before it finished.';
    } else if (instance.responseCode !== undefined && instance.responseCode > 0) {
      label = `exit code ${instance.responseCode}`;
      fix = "the purge script failed: see its output (in the step's log group and the job summary).";
    } else {
      label = describeInstanceStatus(instance);
      fix = "see the instance's output in the step's log group and the job summary.";
    }
    const group = groups.get(label) ?? { instances: [], fix };
    group.instances.push(instance);
    groups.set(label, group);
  }
  for (const [label, group] of groups) {
    causes.push({ label, instanceIds: group.instances.map((i) => i.instanceId), fix: group.fix });
  }
  return causes;
}

/** A verify step's causes: its step-level error, else each problem it found (URL, layer, evidence, cause). */
function verifyCauses(step: VerifyStepReport): Cause[] {
  if (!step.verify) {
    return step.error ? [{ label: step.error.code, instanceIds: [], fix: step.error.message }] : [];
  }
  const listed = step.verify.problems.map((p) => ({
    label: `${p.kind}${p.layer ? ` at ${p.layer === 'cdn' ? 'the CDN' : 'the origin'}` : ''}: ${p.url}`,
    instanceIds: [],
    fix: `${p.evidence}; ${p.cause}`,
  }));
  const more = step.verify.problemCount - listed.length;
  return more > 0
    ? [
        ...listed,
        { label: `… and ${plural(more, 'more problem')}`, instanceIds: [], fix: 'see the report output.' },
      ]
    : listed;
}

function cloudFrontCauses(step: CloudFrontStepReport): Cause[] {
  const code = step.error?.code ?? (step.status === 'timed-out' ? 'StepTimedOut' : '');
  const arn = `arn:aws:cloudfront::ACCOUNT:distribution/${step.distributionId}`;
  let fix: string;
  if (isAccessDenied(code)) {
    fix = `the role was denied by IAM: allow cloudfront:CreateInvalidation (and cloudfront:GetInvalidation when waiting) on ${arn}.`;
  } else if (code === 'NoSuchDistribution') {
    fix = `distribution ${step.distributionId} does not exist in this account: check cloudfront.distribution-id in the sites file.`;
  } else if (code === 'TooManyInvalidationsInProgress') {
    fix =
      'too many invalidations are in progress on this distribution: wait for them to complete and rerun, or use fewer (wildcard) paths.';
  } else if (code === 'StepTimedOut' || step.status === 'timed-out') {
    fix = `the invalidation had not completed after ${formatDuration(step.durationMs)}: it continues in CloudFront; raise step-timeout-seconds or do not wait for it.`;
  } else if (/throttl/i.test(code)) {
    fix = 'CloudFront kept throttling the request: rerun in a minute.';
  } else {
    fix = describeError('CloudFront', code, step.error?.message ?? 'unknown error');
  }
  return [{ label: code || 'failed', instanceIds: [], fix }];
}

/** The causes of a failed or timed-out step, with the likely fix for each; [] for any other step. */
export function diagnose(step: StepReport): Cause[] {
  if (step.status !== 'failed' && step.status !== 'timed-out') return [];
  const causes =
    step.kind === 'ssm'
      ? ssmStepCauses(step)
      : step.kind === 'verify'
        ? verifyCauses(step)
        : cloudFrontCauses(step);
  return causes.length > 0
    ? causes
    : [{ label: 'failed', instanceIds: [], fix: "see the step's log group for what happened." }];
}

/** `i-0a, i-0b … and 3 more` */
export function listInstances(ids: readonly string[], max = 5): string {
  return listFirst(ids, max, ', ');
}

/** `Undeliverable on i-0a, i-0b: SSM could not deliver …` */
export function describeCause(cause: Cause, maxInstances = 5): string {
  const where = cause.instanceIds.length > 0 ? ` on ${listInstances(cause.instanceIds, maxInstances)}` : '';
  return `${cause.label}${where}: ${cause.fix}`;
}

/** A failed step's causes in a few words, `Exit code 3 on i-0a…, i-0b…; Undeliverable on i-0c…` ('' for none). */
export const causeSummary = (step: StepReport): string =>
  diagnose(step)
    .map((c) => (c.instanceIds.length > 0 ? `${c.label} on ${listInstances(c.instanceIds, 3)}` : c.label))
    .join('; ');
