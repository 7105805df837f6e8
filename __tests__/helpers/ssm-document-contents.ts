// The content of SSM documents, for the AWS double (aws-double.ts answers GetDocument from here): by
// default the bundled document files in ssm-documents/, for a name as a step writes it (with a stack's
// NamePrefix, or an ARN ending in /<name>); a test gives other content for a name (e.g. a FastCGI
// document deployed with CacheRoots /run/nginx-cache: withAllowedPattern). Any other name is
// InvalidDocument, as SSM answers.
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DocumentVersionError } from './ssm-document-versions.ts';

const DOCUMENTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'ssm-documents');

/** `blog-CachePurge-FastCGI`, `arn:…:document/CachePurge-FastCGI` → `CachePurge-FastCGI`. */
function bundledName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const at = base.lastIndexOf('CachePurge-');
  return at >= 0 ? base.slice(at) : base;
}

/** The text of a bundled document file, by its name (CachePurge-FastCGI). */
export function bundledDocumentText(name: string): string {
  return readFileSync(join(DOCUMENTS_DIR, `${name}.json`), 'utf8');
}

/** A bundled document's content with one parameter's allowedPattern replaced (a stack with other roots). */
export function withAllowedPattern(name: string, parameter: string, allowedPattern: string): string {
  const document = JSON.parse(bundledDocumentText(name)) as {
    parameters: Record<string, { allowedPattern?: string }>;
  };
  document.parameters[parameter]!.allowedPattern = allowedPattern;
  return JSON.stringify(document);
}

export class SsmDocumentContents {
  /** Content by the name GetDocument is given (exactly, or its bundled name): overrides the files. */
  readonly overrides = new Map<string, string>();

  /** GetDocument's answer (JSON format only, as the action asks). */
  getDocument(input: Record<string, unknown>): unknown {
    const name = String(input.Name ?? '');
    if (input.DocumentFormat !== undefined && input.DocumentFormat !== 'JSON') {
      throw new DocumentVersionError('ValidationException', 'the double answers DocumentFormat JSON only');
    }
    const bundled = bundledName(name);
    const file = join(DOCUMENTS_DIR, `${bundled}.json`);
    const content =
      this.overrides.get(name) ??
      this.overrides.get(bundled) ??
      (/^CachePurge-[A-Za-z0-9]+$/.test(bundled) && existsSync(file)
        ? readFileSync(file, 'utf8')
        : undefined);
    if (content === undefined) {
      throw new DocumentVersionError('InvalidDocument', 'The specified document does not exist.');
    }
    return {
      Name: name,
      DocumentVersion: String(input.DocumentVersion ?? '1'),
      Status: 'Active',
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Content: content,
    };
  }
}
