import type { MiddlewareHandler } from "hono";
import { secretsOf } from "../../core/config/secrets";
import { settingsOf } from "../../core/config/settings";
import type { AppEnv } from "./types";

/**
 * Before any route: a deployment with an invalid setting or a weak secret serves nothing (every request
 * a 500, and the log line names what is wrong) rather than run on a guess or an open door.
 */
export const refuseMisconfigured: MiddlewareHandler<AppEnv> = async (c, next) => {
	checkConfiguration(c.env);
	await next();
};

export function checkConfiguration(env: Env): void {
	settingsOf(env);
	secretsOf(env);
}
