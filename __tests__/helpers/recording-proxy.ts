// A local forward proxy on 127.0.0.1 for the proxy tests: CONNECT tunnels (https, and http through
// clients that always tunnel) and absolute-URI requests (`GET http://host:port/path`, plain http),
// each recorded (kind, host, port, the Proxy-Authorization user) before it is carried. It resolves
// names itself: any `*.test` name (a reserved top-level domain, RFC 6761) and loopback addresses go to
// 127.0.0.1 on the port asked for, so a test can point clients at e.g. http://aws.test:PORT and know
// that only the proxy can reach it; any other host is refused (502), so nothing leaves the machine.
// `refuseConnect` answers every CONNECT with 403, as a proxy that forbids tunnels does.

import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ProxiedRequest {
  kind: 'tunnel' | 'forward';
  host: string;
  port: number;
  /** For `forward`: method and path; for `tunnel`: undefined. */
  method?: string;
  path?: string;
  /** The user name of the Proxy-Authorization header (Basic), if any. */
  user?: string;
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The proxy URL with credentials: http://USER:PASSWORD@127.0.0.1:PORT */
  urlWith(user: string, password: string): string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

export interface RecordingProxyOptions {
  /** Answer every CONNECT with this status (e.g. 403) instead of opening the tunnel. */
  refuseConnect?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/i;

/** Where the proxy connects for `host`: 127.0.0.1 for *.test and loopback names, else nowhere. */
function resolve(host: string): string | undefined {
  return /\.test$/i.test(host) || LOOPBACK.test(host) ? '127.0.0.1' : undefined;
}

function proxyUser(req: IncomingMessage): string | undefined {
  const header = req.headers['proxy-authorization'];
  const basic = typeof header === 'string' ? /^Basic\s+(.+)$/i.exec(header) : null;
  return basic ? Buffer.from(basic[1]!, 'base64').toString().split(':')[0] : undefined;
}

export async function startRecordingProxy(options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    // absolute-URI form: GET http://host:port/path
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('not a proxy request');
      return;
    }
    const port = Number(target.port || 80);
    const user = proxyUser(req);
    requests.push({
      kind: 'forward',
      host: target.hostname,
      port,
      method: req.method ?? 'GET',
      path: target.pathname + target.search,
      ...(user && { user }),
    });
    const address = resolve(target.hostname);
    if (!address) {
      res.writeHead(502).end(`the test proxy does not reach ${target.hostname}`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: address, port, method: req.method, path: target.pathname + target.search, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    const [host, portText] = (req.url ?? '').startsWith('[')
      ? [(req.url ?? '').slice(0, (req.url ?? '').indexOf(']') + 1), (req.url ?? '').split(']:')[1]]
      : (req.url ?? '').split(':');
    const port = Number(portText ?? 443);
    const user = proxyUser(req);
    requests.push({ kind: 'tunnel', host: host!, port, ...(user && { user }) });
    if (options.refuseConnect) {
      client.end(`HTTP/1.1 ${options.refuseConnect} Forbidden\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const address = resolve(host!);
    if (!address) {
      client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(port, address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    urlWith: (user, password) =>
      `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}
