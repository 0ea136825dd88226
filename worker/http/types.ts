import type { Context } from "hono";

/** How an error on this request is rendered: sync pixels stay images, JSON APIs stay JSON. */
export type ErrorStyle = "text" | "json" | "pixel";

export type AppEnv = {
	Bindings: Env;
	Variables: {
		errorStyle: ErrorStyle;
		/** Set by partner-key authentication: the only DPID this caller may act for. */
		partnerDpid: number;
	};
};

export type AppContext = Context<AppEnv>;
