export const id = 502;
export const ids = [502];
export const modules = {

/***/ 7502:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createProxiedHttp: () => (/* binding */ createProxiedHttp)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var agent_base__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(319);
/* harmony import */ var http_proxy_agent__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8947);
/* harmony import */ var https_proxy_agent__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1566);
/* harmony import */ var undici__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(6752);
/* harmony import */ var _proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(7019);
// The HTTP clients' side of the proxy (proxy-settings.ts decides, this wires): one `fetch` (undici's,
// with a dispatcher that sends each request through undici's ProxyAgent or its plain Agent as
// proxyFor() says) for the fetch-based clients (@slack/webhook, the verify step, Octokit and the
// relay's response_url post), and one node:http(s) Agent (agent-base; the tunnel itself is
// https-proxy-agent's CONNECT, or http-proxy-agent's absolute-URI request for http:// targets) for the
// AWS SDK's NodeHttpHandler and @slack/web-api. Both choose per request, so NO_PROXY is honoured
// whatever host a client ends up calling. Imported lazily, only when a proxy is set. I/O: sockets.







/** What a request says when the proxy would not open its tunnel. */
function connectRefused(proxy, target, status, text) {
    return `the proxy ${proxy.display} (${proxy.variable}) refused to open a tunnel to ${target}: HTTP ${status ?? '?'}${text ? ` ${text}` : ''} to CONNECT; see docs/troubleshooting.md, "A proxy refuses CONNECT"`;
}
/** An undici dispatcher that asks proxyFor() for every request's origin. */
class ProxyChoosingDispatcher extends undici__WEBPACK_IMPORTED_MODULE_5__/* .Dispatcher */ .mk {
    settings;
    direct = new undici__WEBPACK_IMPORTED_MODULE_5__/* .Agent */ .g6();
    proxies = new Map();
    constructor(settings) {
        super();
        this.settings = settings;
    }
    pick(origin) {
        const proxy = origin === undefined ? undefined : (0,_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .proxyFor */ .iJ)(new URL(String(origin)), this.settings);
        if (!proxy)
            return this.direct;
        let agent = this.proxies.get(proxy.url);
        if (!agent) {
            agent = new undici__WEBPACK_IMPORTED_MODULE_5__/* .ProxyAgent */ .kT(proxy.url);
            this.proxies.set(proxy.url, agent);
        }
        return agent;
    }
    dispatch(options, handler) {
        return this.pick(options.origin).dispatch(options, handler);
    }
    async close() {
        await Promise.all([this.direct, ...this.proxies.values()].map((d) => d.close()));
    }
    async destroy() {
        await Promise.all([this.direct, ...this.proxies.values()].map((d) => d.destroy()));
    }
}
/** A node:http(s) agent that hands each request to a CONNECT/forwarding proxy agent or a direct one. */
class ProxyChoosingAgent extends agent_base__WEBPACK_IMPORTED_MODULE_2__/* .Agent */ .g6 {
    settings;
    directHttp = new node_http__WEBPACK_IMPORTED_MODULE_0__.Agent({ keepAlive: true });
    directHttps = new node_https__WEBPACK_IMPORTED_MODULE_1__.Agent({ keepAlive: true });
    tunnels = new Map();
    constructor(settings) {
        super({ keepAlive: true });
        this.settings = settings;
    }
    through(proxy, secure) {
        const key = `${secure ? 'https' : 'http'} ${proxy.url}`;
        let agent = this.tunnels.get(key);
        if (!agent) {
            agent = secure
                ? new https_proxy_agent__WEBPACK_IMPORTED_MODULE_4__/* .HttpsProxyAgent */ .b(proxy.url, { keepAlive: true })
                : // no keep-alive: a request handed over by this agent has its header written before the socket
                    // is chosen, and only a new connection (http-proxy-agent's connect()) rewrites it to the
                    // absolute-URI form a proxy needs; a pooled one would send the relative path
                    new http_proxy_agent__WEBPACK_IMPORTED_MODULE_3__/* .HttpProxyAgent */ .s(proxy.url, { keepAlive: false });
            this.tunnels.set(key, agent);
        }
        return agent;
    }
    connect(request, options) {
        const secure = options.secureEndpoint;
        const host = options.host ?? 'localhost';
        const target = new URL(`${secure ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}`);
        if (options.port)
            target.port = String(options.port);
        const proxy = (0,_proxy_settings_js__WEBPACK_IMPORTED_MODULE_6__/* .proxyFor */ .iJ)(target, this.settings);
        if (proxy && secure) {
            // https-proxy-agent replays a refused CONNECT's answer as if the target had sent it (the AWS SDK
            // then reports an "UnknownError"): make it the error it is, naming the proxy and the fix
            request.once('proxyConnect', (answer) => {
                if (answer.statusCode !== 200)
                    request.destroy(new Error(connectRefused(proxy, target.host, answer.statusCode, answer.statusText)));
            });
        }
        if (proxy)
            return this.through(proxy, secure);
        return secure ? this.directHttps : this.directHttp;
    }
    destroy() {
        for (const agent of [this.directHttp, this.directHttps, ...this.tunnels.values()])
            agent.destroy();
        super.destroy();
    }
}
function createProxiedHttp(settings) {
    const dispatcher = new ProxyChoosingDispatcher(settings);
    const agent = new ProxyChoosingAgent(settings);
    // undici's own fetch, so the dispatcher and the fetch are one version (Node's built-in fetch may be another)
    const proxiedFetch = ((input, init) => (0,undici__WEBPACK_IMPORTED_MODULE_5__/* .fetch */ .hd)(input, { ...init, dispatcher }));
    return {
        fetch: proxiedFetch,
        agent,
        close: async () => {
            agent.destroy();
            await dispatcher.close();
        },
    };
}


/***/ })

};
