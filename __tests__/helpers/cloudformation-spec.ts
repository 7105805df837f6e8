// The CloudFormation resource specification the template checks use (cloudformation-validate.ts,
// cloudformation-property-types.ts): the npm package @aws-cdk/aws-service-spec's db.json.gz, loaded
// once per process, as resource types and property type definitions.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';

export type SpecType =
  | {
      type: 'string' | 'integer' | 'number' | 'boolean' | 'json' | 'date-time' | 'tag';
      allowedValues?: (string | number)[];
    }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'union'; types: SpecType[] };

export interface SpecProperty {
  type: SpecType;
  required?: boolean;
}

export interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, unknown>;
}

export interface SpecTypeDefinition {
  $id: string;
  name: string;
  properties: Record<string, SpecProperty>;
}

export interface Spec {
  resources: Map<string, SpecResource>;
  types: Map<string, SpecTypeDefinition>;
}

let specCache: Spec | undefined;

/** Loads the current CloudFormation resource specification shipped by @aws-cdk/aws-service-spec. */
export function loadSpec(): Spec {
  if (specCache) return specCache;
  const require = createRequire(import.meta.url);
  const path = require.resolve('@aws-cdk/aws-service-spec/db.json.gz');
  const db = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as {
    schema: {
      resource: { entities: Record<string, SpecResource> };
      typeDefinition: { entities: Record<string, SpecTypeDefinition> };
    };
  };
  const resources = new Map<string, SpecResource>();
  for (const entity of Object.values(db.schema.resource.entities))
    resources.set(entity.cloudFormationType, entity);
  const types = new Map<string, SpecTypeDefinition>();
  for (const entity of Object.values(db.schema.typeDefinition.entities)) types.set(entity.$id, entity);
  specCache = { resources, types };
  return specCache;
}
