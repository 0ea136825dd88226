// Cloudflare's limits the scale projections are printed against (Workers Paid).

/** Workflows (developers.cloudflare.com/workflows/reference/limits). */
export const WORKFLOW = { steps: 10_000, stepsRaised: 25_000, stepResultBytes: 2 ** 20, stateBytes: 2 ** 30 };
/** Subrequests one invocation may make (the default). */
export const SUBREQUESTS = 10_000;
