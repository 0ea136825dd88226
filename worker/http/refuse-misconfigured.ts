import type { MiddlewareHandler } from "hono";
import { secretsOf } from "../../core/config/secrets";
import { settingsOf } from "../../core/config/settings";
import { refuseStrandedGraph } from "../../core/graph/stranded";
import type { AppEnv } from "./types";

/**
 * Before any route: a deployment with an invalid setting, a weak secret or a graph stranded in D1 serves
 * nothing (every request a 500, and the log line names what is wrong) rather than run on a guess, an
 * open door or an empty graph.
 */
export const refuseMisconfigured: MiddlewareHandler<AppEnv> = async (c, next) => {
	await checkConfiguration(c.env);
	await next();
};

/** Settings, secrets, and a graph store that does not leave the graph behind in D1 (core/graph/stranded.ts). */
export async function checkConfiguration(env: Env): Promise<void> {
	settingsOf(env);
	secretsOf(env);
	await refuseStrandedGraph(env);
}
