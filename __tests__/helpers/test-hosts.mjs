// Preloaded into a child process (NODE_OPTIONS=--import=…) as a one-name hosts file: every `*.test`
// name resolves to 127.0.0.1, so a test can reach its local doubles *directly* by a name that is not
// loopback (NO_PROXY tests: the request must not need the proxy to find the host). Patches dns.lookup,
// which node:net (and so node:http, https and undici) asks for every connection.

import dns from 'node:dns';

const original = dns.lookup;
dns.lookup = function lookup(host, options, callback) {
  if (typeof host !== 'string' || !/\.test$/i.test(host)) return original.call(this, host, options, callback);
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all;
  if (all) process.nextTick(done, null, [{ address: '127.0.0.1', family: 4 }]);
  else process.nextTick(done, null, '127.0.0.1', 4);
};
