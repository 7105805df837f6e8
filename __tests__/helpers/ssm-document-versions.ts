// The versions of SSM documents, for the AWS double (aws-double.ts answers these SSM operations from
// here): documents seeded with versions 1..N and a default, and the calls that read and change them as
// the SSM API does — ListDocumentVersions (ascending, pages of MaxResults ≤ 50 with NextToken),
// DeleteDocument (one version by DocumentVersion or VersionName, never the default one:
// InvalidDocumentOperation; without either, the whole document), UpdateDocumentDefaultVersion
// (InvalidDocumentVersion for a version that does not exist) and the DocumentVersion SendCommand takes
// ($DEFAULT, $LATEST or an existing number, else InvalidDocumentVersion). Documents never seeded are
// left alone (SendCommand runs them whatever the version), so the other tests are unaffected.
//
// Plain erasable TypeScript with node: imports only, like aws-double.ts.

/** An SSM error the double answers with HTTP 400 and this `__type`. */
export class DocumentVersionError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface StoredVersion {
  version: number;
  versionName?: string;
  createdAt: number;
}

interface StoredDocument {
  versions: StoredVersion[];
  defaultVersion: number;
}

const NO_DOCUMENT = () =>
  new DocumentVersionError('InvalidDocument', 'The specified document does not exist.');
const NO_VERSION = () =>
  new DocumentVersionError('InvalidDocumentVersion', 'The document version is not valid or does not exist.');

export class SsmDocumentVersions {
  private readonly documents = new Map<string, StoredDocument>();

  /** A document with versions 1..count (count ≥ 1); the default is `defaultVersion` (else the latest). */
  seed(name: string, count: number, defaultVersion = count): void {
    const createdAt = Date.now() / 1000;
    const versions = Array.from({ length: count }, (_, i) => ({ version: i + 1, createdAt: createdAt + i }));
    this.documents.set(name, { versions, defaultVersion });
  }

  /** A new version, as UpdateDocument (and so UpdateMethod NewVersion) adds one; it becomes the default. */
  addVersion(name: string, versionName?: string): string {
    const document = this.documents.get(name);
    if (!document) throw NO_DOCUMENT();
    const version = Math.max(0, ...document.versions.map((v) => v.version)) + 1;
    document.versions.push({ version, ...(versionName && { versionName }), createdAt: Date.now() / 1000 });
    document.defaultVersion = version;
    return String(version);
  }

  /** Drops a seeded document (between tests). */
  forget(name: string): void {
    this.documents.delete(name);
  }

  /** The version numbers a document still has, ascending; undefined when it does not exist. */
  versionsOf(name: string): string[] | undefined {
    return this.documents.get(name)?.versions.map((v) => String(v.version));
  }

  defaultOf(name: string): string | undefined {
    const document = this.documents.get(name);
    return document && String(document.defaultVersion);
  }

  /** Throws what SendCommand answers when a seeded document has no such version. */
  checkSend(name: string, requested: unknown): void {
    const document = this.documents.get(name);
    if (!document || requested === undefined) return;
    this.find(document, String(requested));
  }

  /** Answers one of its operations; undefined when `operation` is not one of them. */
  handle(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'ListDocumentVersions':
        return this.list(input);
      case 'DeleteDocument':
        return this.delete(input);
      case 'UpdateDocumentDefaultVersion':
        return this.setDefault(input);
      default:
        return undefined;
    }
  }

  private document(input: Record<string, unknown>): [string, StoredDocument] {
    const name = String(input.Name ?? '');
    const document = this.documents.get(name);
    if (!document) throw NO_DOCUMENT();
    return [name, document];
  }

  private find(document: StoredDocument, requested: string): StoredVersion {
    const latest = Math.max(...document.versions.map((v) => v.version));
    const number =
      requested === '$DEFAULT'
        ? document.defaultVersion
        : requested === '$LATEST'
          ? latest
          : Number(requested);
    const found = document.versions.find((v) => v.version === number);
    if (!found) throw NO_VERSION();
    return found;
  }

  private list(input: Record<string, unknown>): unknown {
    const [name, document] = this.document(input);
    const max = input.MaxResults === undefined ? 50 : Number(input.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > 50) {
      throw new DocumentVersionError('ValidationException', 'MaxResults must be between 1 and 50');
    }
    const from = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(from) || from < 0) throw new DocumentVersionError('InvalidNextToken', '');
    const page = document.versions.slice(from, from + max);
    const next = from + max < document.versions.length ? String(from + max) : undefined;
    return {
      DocumentVersions: page.map((v) => ({
        Name: name,
        DocumentVersion: String(v.version),
        ...(v.versionName && { VersionName: v.versionName }),
        CreatedDate: v.createdAt,
        IsDefaultVersion: v.version === document.defaultVersion,
        DocumentFormat: 'JSON',
        Status: 'Active',
      })),
      ...(next && { NextToken: next }),
    };
  }

  private delete(input: Record<string, unknown>): unknown {
    const [name, document] = this.document(input);
    if (input.DocumentVersion === undefined && input.VersionName === undefined) {
      this.documents.delete(name);
      return {};
    }
    const target =
      input.DocumentVersion !== undefined
        ? this.find(document, String(input.DocumentVersion))
        : document.versions.find((v) => v.versionName === input.VersionName);
    if (!target) throw NO_DOCUMENT();
    if (target.version === document.defaultVersion) {
      throw new DocumentVersionError(
        'InvalidDocumentOperation',
        "Default version of the document can't be deleted.",
      );
    }
    document.versions = document.versions.filter((v) => v !== target);
    return {};
  }

  private setDefault(input: Record<string, unknown>): unknown {
    const [name, document] = this.document(input);
    const requested = String(input.DocumentVersion ?? '');
    if (!/^[1-9][0-9]*$/.test(requested)) throw NO_VERSION();
    const found = this.find(document, requested);
    document.defaultVersion = found.version;
    return {
      Description: {
        Name: name,
        DefaultVersion: String(found.version),
        ...(found.versionName && { DefaultVersionName: found.versionName }),
      },
    };
  }
}
