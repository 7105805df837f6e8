// Whether a URL's host is this machine's loopback interface (127.0.0.0/8, `localhost`, `[::1]`): the
// one case where a credential may travel over plain http, since it then never leaves the machine — the
// relay's GITHUB_API_URL and the action's slack-webhook-url (a local test double or proxy). Pure.

/** True for 127.0.0.0/8, `localhost` and `[::1]`, as WHATWG URL normalises them (e.g. 127.1 → 127.0.0.1). */
export function isLoopbackHost(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
