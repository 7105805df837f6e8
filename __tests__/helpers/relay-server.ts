// Runs the committed relay bundle (`node dist/relay/server.js`) as a child process, exactly as an
// operator would, on a free loopback port; collects its JSON log lines; and posts signed slash
// commands and button clicks (interactivity requests) to it. Imports only node: modules and ./slack.ts (a .ts specifier, so Node 24 can import
// this file directly from .mjs scripts and benches as well as from vitest).

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  clickBody,
  commandBody,
  slackHeaders,
  TEST_SIGNING_SECRET,
  type ClickFields,
  type CommandFields,
} from './slack.ts';

export const serverBundle = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'dist',
  'relay',
  'server.js',
);

export interface RelayAnswer {
  status: number;
  body: string;
  json?: { response_type: string; text: string; blocks?: unknown[] };
  ms: number;
}

/** A request exactly as it went out: send it again with `relay.post` to replay it. */
export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface RunningRelay {
  url: string;
  child: ChildProcess;
  /** Parsed JSON lines the relay has written to stdout so far. */
  logs: Record<string, unknown>[];
  stderr(): string;
  /** Posts a signed slash command (fields override Slack's usual ones). */
  command(fields?: CommandFields): Promise<RelayAnswer>;
  /** Posts a signed click on a prompt's button, as Slack sends it (`payload=<JSON>`); returns the request too. */
  click(fields: ClickFields): Promise<RelayAnswer & { request: SignedRequest }>;
  /** Posts a request as it is (e.g. a click sent a second time, headers and all). */
  post(request: SignedRequest): Promise<RelayAnswer>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the relay with SLACK_SIGNING_SECRET = TEST_SIGNING_SECRET, HOST 127.0.0.1, PORT 0 plus `env`. */
export function startRelay(env: Record<string, string | undefined>): Promise<RunningRelay> {
  const child = spawn(process.execPath, [serverBundle], {
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  let pending = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start within 10 s:\n${stderr}`)), 10_000);
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code} before listening:\n${stderr}`));
    });
    child.stdout!.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.event !== 'listening') continue;
        clearTimeout(timer);
        const url = entry.url as string;
        const post = async ({ body, headers }: SignedRequest): Promise<RelayAnswer> => {
          const started = performance.now();
          const response = await fetch(`${url}/slack/commands`, { method: 'POST', headers, body });
          const text = await response.text();
          const ms = performance.now() - started;
          const isJson = response.headers.get('content-type')?.startsWith('application/json');
          return { status: response.status, body: text, ms, ...(isJson && { json: JSON.parse(text) }) };
        };
        resolve({
          url,
          child,
          logs,
          stderr: () => stderr,
          command(fields = {}) {
            const body = commandBody(fields);
            return post({ body, headers: slackHeaders(body) });
          },
          async click(fields) {
            const body = clickBody(fields);
            const request = { body, headers: slackHeaders(body) };
            return { ...(await post(request)), request };
          },
          post,
          stop() {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
  });
}

/** Runs the relay expecting it to refuse to start: exit code and stderr. */
export function startRelayExpectingFailure(
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [serverBundle], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}
