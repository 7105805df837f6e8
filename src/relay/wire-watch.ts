// Tells whether a fetch() request has been written to the network yet, so that a dispatch that fails
// or times out before it left the relay can be reported as "nothing was started" rather than "may or
// may not have started". Node's fetch (undici) publishes documented diagnostics channels:
// `undici:request:create` when a request is queued and `undici:client:sendHeaders` when its headers
// are written to the socket. Requests made inside `watchWire(watch, run)` are recognised through an
// AsyncLocalStorage, so concurrent requests never mix. When the channels stay silent (a runtime that
// does not publish them) nothing is reported and callers must assume the request may have been sent.

import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe } from 'node:diagnostics_channel';

interface WireWatch {
  /** The request exists and nothing of it has been written yet. */
  onQueued(): void;
  /** Its headers were written to the socket: the server may act on it from now on. */
  onHeadersSent(): void;
}

const active = new AsyncLocalStorage<WireWatch>();
const watched = new WeakMap<object, WireWatch>();
let subscribed = false;

function requestOf(message: unknown): object | undefined {
  const request = (message as { request?: unknown } | null)?.request;
  return typeof request === 'object' && request !== null ? request : undefined;
}

function subscribeOnce(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe('undici:request:create', (message) => {
    const watch = active.getStore();
    const request = requestOf(message);
    if (watch === undefined || request === undefined) return;
    watched.set(request, watch);
    watch.onQueued();
  });
  subscribe('undici:client:sendHeaders', (message) => {
    const request = requestOf(message);
    if (request !== undefined) watched.get(request)?.onHeadersSent();
  });
}

/** Runs `run`; every fetch() it starts reports to `watch`. */
export function watchWire<T>(watch: WireWatch, run: () => Promise<T>): Promise<T> {
  subscribeOnce();
  return active.run(watch, run);
}
