// The sites file's typed content (SitesConfig), as the plan reads it, and toConfig, which turns what
// the schema (sites-file-schema.ts) accepted into it: defaults applied, keys in camelCase, one step
// type per step kind. Pure.

import { DEFAULT_INVALIDATION_PATHS, normaliseInvalidationPaths } from './paths.js';
import type { RawFile, RawRoots, RawStep, RawTargets } from './sites-file-schema.js';
import type { RootsSetting } from './roots.js';
import { toVerifyStep, type VerifyStepConfig } from './verify-step-schema.js';

export type { VerifyStepConfig };

export type Targets = { instanceIds: string[] } | { tags: Record<string, string[]> };

interface SsmStepConfig {
  kind: 'ssm';
  name: string;
  document: string;
  parameters: Record<string, string[]>;
  targets?: Targets;
  documentVersion?: string;
  timeoutSeconds?: number;
  maxConcurrency?: string;
  maxErrors?: string;
}

export interface CloudFrontStepConfig {
  kind: 'cloudfront';
  name: string;
  distributionId: string;
  paths: string[];
  wait: boolean;
}

type StepConfig = SsmStepConfig | CloudFrontStepConfig | VerifyStepConfig;

interface SiteConfig {
  region?: string;
  /** The site's `roots`: override the file's, key by key. */
  roots?: RootsSetting;
  targets?: Targets;
  steps: StepConfig[];
}

export interface SitesConfig {
  region?: string;
  /** The file's `roots`: the stack's roots, as every site without its own has them. */
  roots?: RootsSetting;
  sites: Record<string, SiteConfig>;
}

function toTargets(raw: RawTargets | undefined): Targets | undefined {
  if (!raw) return undefined;
  if (raw['instance-ids']) return { instanceIds: [...new Set(raw['instance-ids'])] };
  return { tags: raw.tags ?? {} };
}

const toRoots = (raw: RawRoots | undefined): RootsSetting | undefined =>
  raw && Object.keys(raw).length > 0 ? { ...raw } : undefined;

function toStep(raw: RawStep): StepConfig {
  if (raw.ssm) {
    const s = raw.ssm;
    return {
      kind: 'ssm',
      name: raw.name ?? s.document,
      document: s.document,
      parameters: s.parameters ?? {},
      ...(s.targets && { targets: toTargets(s.targets) }),
      ...(s['document-version'] !== undefined && { documentVersion: s['document-version'] }),
      ...(s['timeout-seconds'] !== undefined && { timeoutSeconds: s['timeout-seconds'] }),
      ...(s['max-concurrency'] !== undefined && { maxConcurrency: s['max-concurrency'] }),
      ...(s['max-errors'] !== undefined && { maxErrors: s['max-errors'] }),
    };
  }
  if (raw.verify) return toVerifyStep(raw.verify, raw.name ?? 'Verify');
  const c = raw.cloudfront!;
  const paths = normaliseInvalidationPaths(c.paths ?? DEFAULT_INVALIDATION_PATHS);
  return {
    kind: 'cloudfront',
    name: raw.name ?? 'CloudFront',
    distributionId: c['distribution-id'],
    // the schema has checked these paths: normalising them again cannot fail
    paths: paths.ok ? paths.paths : [...DEFAULT_INVALIDATION_PATHS],
    wait: c.wait ?? false,
  };
}

export function toConfig(raw: RawFile): SitesConfig {
  const sites: Record<string, SiteConfig> = {};
  for (const [key, site] of Object.entries(raw.sites)) {
    sites[key] = {
      ...(site.region && { region: site.region }),
      ...(toRoots(site.roots) && { roots: toRoots(site.roots) }),
      ...(site.targets && { targets: toTargets(site.targets) }),
      steps: site.steps.map(toStep),
    };
  }
  return {
    ...(raw.region && { region: raw.region }),
    ...(toRoots(raw.roots) && { roots: toRoots(raw.roots) }),
    sites,
  };
}
