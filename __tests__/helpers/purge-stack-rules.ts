// The security rules of infra/cache-purge.yml, checked on the stack CloudFormation would create
// (evaluateTemplate) for given parameters. Each check returns the list of violations (empty = good),
// so the tests can show both that the real template passes and that a mutated one fails.
// The rules live by subject: iam-policy-rules.ts (every policy document; teardown), purge-role-rules.ts
// (the purge role and its OIDC trust), relay-stack-rules.ts (the relay's function, secret and URL).

// One list each, owned where it is defined: the documents by the document runner, the secret's keys by
// the relay's secret (core/relay-secret.ts).
export { DOCUMENT_NAMES } from './ssm-document-runner.js';
export { RELAY_SECRET_KEYS } from '../../src/relay/core/relay-secret.js';
export {
  policyDocuments,
  teardownViolations,
  wildcardActionViolations,
  type PolicyDocumentAt,
  type Statement,
} from './iam-policy-rules.js';
export {
  ACME_WEBSITE_STACK,
  mainSubject,
  purgeRoleName,
  purgeRoleViolations,
  type PurgeRoleExpectations,
} from './purge-role-rules.js';
export { relayViolations } from './relay-stack-rules.js';
