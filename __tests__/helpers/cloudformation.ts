// Offline CloudFormation tooling for the tests of infra/cache-purge.yml, one import for them all:
//   - parseTemplate: YAML with the CloudFormation short tags (!Ref, !Sub, …) → the JSON form
//     (cloudformation-template.ts, with the shared shapes and asPackaged);
//   - validateTemplate: checks a template against the CloudFormation resource specification of the
//     npm package @aws-cdk/aws-service-spec (resource types, required/unknown properties, primitive and
//     nested types, allowed values) and checks every Ref/GetAtt/Sub/Condition/DependsOn target
//     (cloudformation-validate.ts, -references.ts, -property-types.ts, -spec.ts);
//   - evaluateTemplate: what CloudFormation would create for given parameter values (parameter
//     constraints, Rules, Conditions, intrinsic functions, AWS::NoValue), with stable placeholder
//     names and ARNs for resources, so tests can assert on the final IAM policies
//     (cloudformation-evaluate.ts, -intrinsics.ts).

export * from './cloudformation-template.js';
export * from './cloudformation-spec.js';
export { validateTemplate } from './cloudformation-validate.js';
export * from './cloudformation-evaluate.js';
