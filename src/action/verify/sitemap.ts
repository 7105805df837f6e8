// Reads the page URLs of a sitemap, or of a sitemap index and the sitemaps it lists (indexes within
// indexes up to a depth), over HTTP, as a stream: each document is parsed chunk by chunk as it arrives
// (gzip recognised by its magic bytes, so `.xml.gz` works whether or not the server also set
// Content-Encoding), and reading stops once `limit` distinct URLs are found. Never more than one chunk
// of a document is held. The parser is saxes: a strict, streaming, well-kept XML parser (the one jsdom
// uses) with its own TypeScript types; a sitemap that is not well-formed XML is an error, not a guess.
// The adapter; `fetch` is injected.

import { SaxesParser } from 'saxes';
import { UserError } from '../../shared/errors.js';
import { quoteCut } from '../../shared/text.js';
import { urlProblem } from '../sites-file/verify-step-schema.js';

export interface SitemapOptions {
  fetch?: typeof globalThis.fetch;
  limit: number;
  /** Time to read one document, in ms. */
  timeoutMs: number;
  /** Levels of sitemap indexes allowed above the sitemaps (an index of indexes is 2). */
  maxDepth?: number;
  /** Most sitemap documents read in all. */
  maxDocuments?: number;
  signal?: AbortSignal;
}

export interface SitemapStats {
  documents: number;
  /** `<loc>`s that were not http(s) URLs, or that repeated one already taken. */
  skipped: number;
  duplicates: number;
}

const TITLE = 'Sitemap unreadable';
const unreadable = (url: string, why: string) =>
  new UserError(TITLE, `the sitemap ${quoteCut(url, 120)} ${why}; fix the "sitemap" URL or the sitemap`);

/** The body, un-gzipped when its first bytes are gzip's magic number, as text chunks. */
async function textChunks(body: ReadableStream<Uint8Array>): Promise<ReadableStream<string>> {
  const reader = body.getReader();
  const first = await reader.read();
  const head = first.value;
  const bytes = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head) controller.enqueue(head);
      if (first.done) controller.close();
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  const gzipped = head !== undefined && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const decoded = gzipped ? bytes.pipeThrough(new DecompressionStream('gzip')) : bytes;
  return decoded.pipeThrough(new TextDecoderStream());
}

type Entry = { kind: 'page' | 'sitemap'; loc: string };
const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** Parses one sitemap document as it streams in: its `<loc>`s, in order, a chunk's worth at a time. */
async function* documentEntries(url: string, text: ReadableStream<string>): AsyncGenerator<Entry> {
  const parser = new SaxesParser({ xmlns: false });
  const stack: string[] = [];
  let root: 'page' | 'sitemap' | undefined;
  let loc: string | undefined;
  let queue: Entry[] = [];
  let failure: Error | undefined;
  parser.on('error', (error) => (failure ??= error));
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (stack.length === 0) {
      if (name === 'urlset') root = 'page';
      else if (name === 'sitemapindex') root = 'sitemap';
      else failure ??= unreadable(url, `is XML but not a sitemap (its root element is <${name}>)`);
    }
    if (name === 'loc' && (stack.at(-1) === 'url' || stack.at(-1) === 'sitemap')) loc = '';
    stack.push(name);
  });
  const onText = (text: string) => {
    if (loc !== undefined) loc += text;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => {
    stack.pop();
    if (localName(tag.name) === 'loc' && loc !== undefined && root) {
      queue.push({ kind: root, loc: loc.trim() });
      loc = undefined;
    }
  });
  const reader = text.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) parser.close();
      else parser.write(value);
      if (failure) break;
      yield* queue;
      queue = [];
      if (done) break;
    }
  } catch (error) {
    failure ??= error instanceof Error ? error : new Error(String(error));
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (failure instanceof UserError) throw failure;
  if (failure) {
    const why = /incorrect header|invalid|gzip|decompress/i.test(failure.message)
      ? `could not be decompressed (${failure.message})`
      : `is not well-formed XML (${failure.message.split('\n')[0]})`;
    throw unreadable(url, why);
  }
  if (!root) throw unreadable(url, 'is empty');
}

async function openDocument(url: string, options: SitemapOptions): Promise<ReadableStream<string>> {
  const fetch = options.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/xml, text/xml, */*' }, signal });
  } catch (error) {
    const why = timeout.aborted
      ? `did not answer within ${Math.round(options.timeoutMs / 1000)} s`
      : `could not be requested (${error instanceof Error ? error.message : String(error)})`;
    throw unreadable(url, why);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw unreadable(
      url,
      `answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    );
  }
  return textChunks(response.body);
}

/**
 * The distinct page URLs of the sitemap at `url`, at most `options.limit`, in document order; a
 * sitemap index's sitemaps are read after it, depth first. `stats` counts what was read and skipped.
 */
export async function* sitemapUrls(
  url: string,
  options: SitemapOptions,
  stats: SitemapStats = { documents: 0, skipped: 0, duplicates: 0 },
  seen: Set<string> = new Set(),
): AsyncGenerator<string> {
  const maxDepth = options.maxDepth ?? 3;
  const maxDocuments = options.maxDocuments ?? 1_000;
  const visited = new Set<string>();
  let taken = 0;

  async function* read(docUrl: string, depth: number): AsyncGenerator<string> {
    if (visited.has(docUrl)) return;
    visited.add(docUrl);
    if (stats.documents >= maxDocuments) {
      throw unreadable(docUrl, `is beyond the ${maxDocuments} sitemap documents read at most`);
    }
    stats.documents++;
    const children: string[] = [];
    for await (const entry of documentEntries(docUrl, await openDocument(docUrl, options))) {
      if (urlProblem(entry.loc) !== undefined) {
        stats.skipped++;
        continue;
      }
      if (entry.kind === 'sitemap') {
        if (depth >= maxDepth) {
          throw unreadable(docUrl, `nests sitemap indexes more than ${maxDepth} levels deep`);
        }
        children.push(new URL(entry.loc).href);
        continue;
      }
      const href = new URL(entry.loc).href;
      if (seen.has(href)) {
        stats.duplicates++;
        continue;
      }
      seen.add(href);
      taken++;
      yield href;
      if (taken >= options.limit) return;
    }
    for (const child of children) {
      yield* read(child, depth + 1);
      if (taken >= options.limit) return;
    }
  }

  if (options.limit <= 0) return;
  yield* read(url, 1);
}
