// Cloudflare's limits the scale projections are printed against (Workers Paid).

/** Workflows (developers.cloudflare.com/workflows/reference/limits). */
export const WORKFLOW = { steps: 10_000, stepsRaised: 25_000, stepResultBytes: 2 ** 20, stateBytes: 2 ** 30 };
/** CPU one Workflow step may use: `limits.cpu_ms` as wrangler.toml sets it, the most Workers allow. */
export const STEP_CPU_MS = 300_000;
/** Subrequests one invocation may make (the default). */
export const SUBREQUESTS = 10_000;
