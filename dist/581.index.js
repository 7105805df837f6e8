export const id = 581;
export const ids = [581];
export const modules = {

/***/ 2581:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkStack: () => (/* binding */ checkStack)
/* harmony export */ });
/* harmony import */ var _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(58382);
/* harmony import */ var _shared_text_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(24646);
/* harmony import */ var _clock_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(68327);
/* harmony import */ var _run_credentials_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(66991);
/* harmony import */ var _roots_preflight_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(69175);
/* harmony import */ var _roots_preflight_decisions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(23197);
/* harmony import */ var _ssm_clients_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(49800);
// The dry run's stack check (`read-stack: true`, and `npm run check-sites -- … --read-stack`): with the
// run's credentials (role-to-assume through OIDC, or the SDK's default chain), one SSM GetDocument per
// bundled document, version and region the plans' steps name, compared with the sites file by the real
// run's pre-flight decisions in check mode (roots-preflight-decisions.ts), where a document that could
// not be compared fails the check too. Read-only: no SendCommand, no CloudFront call. Loaded lazily by
// main.ts, so a plain dry run never loads the AWS SDK.







/** Reads the stack's documents for the plans; throws the check's UserError when they do not fit. */
async function checkStack(runPlan, settings, deps) {
    const { runner } = deps;
    const reads = (0,_roots_preflight_decisions_js__WEBPACK_IMPORTED_MODULE_4__/* .documentReads */ .Hd)(runPlan.sites);
    if (reads.length === 0) {
        runner.info('Stack check: no step runs a bundled document, so there is nothing of the stack to read.');
        return;
    }
    const signal = new AbortController().signal;
    const credentials = await (0,_run_credentials_js__WEBPACK_IMPORTED_MODULE_2__/* .runCredentials */ ._)(settings, runPlan.sites, {
        ...deps,
        clock: deps.clock ?? _clock_js__WEBPACK_IMPORTED_MODULE_1__/* .systemClock */ .ml,
        signal,
    });
    const ssm = (0,_ssm_clients_js__WEBPACK_IMPORTED_MODULE_5__/* .ssmClientPool */ .d)(credentials, deps.proxied?.agent);
    try {
        const verdict = await (0,_roots_preflight_js__WEBPACK_IMPORTED_MODULE_3__/* .rootsPreflight */ .N)(runPlan.sites, runPlan.configFile, { ssmClient: ssm.client, signal }, 'check');
        for (const line of verdict.lines)
            runner.info(`Stack check: ${line}`);
        if (verdict.error)
            throw new _shared_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .yo(verdict.error.title, verdict.error.message);
        runner.info(`Stack check: ${(0,_shared_text_js__WEBPACK_IMPORTED_MODULE_6__/* .plural */ .LS)(reads.length, 'deployed document')} read (ssm:GetDocument); ${runPlan.configFile} fits the stack.`);
    }
    finally {
        ssm.destroy();
    }
}


/***/ })

};
