// Whether a URL's host is this machine's loopback interface (127.0.0.0/8, `localhost`, `[::1]`): the
// one case where the relay accepts a plain-http GITHUB_API_URL (a local test double or proxy), since
// the GitHub token then never leaves the machine. Pure.

/** True for 127.0.0.0/8, `localhost` and `[::1]`, as WHATWG URL normalises them (e.g. 127.1 → 127.0.0.1). */
export function isLoopbackHost(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
