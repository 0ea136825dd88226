import type { Context } from "hono";
import type { Settings } from "../../core/config/settings";
import { mintUuid, NOTARGET } from "../../core/uuid";
import { readVisitor, setVisitorCookie } from "./visitor-cookie";

/** Who the edge may treat this request as, after cookies and consent. */
export type Resolution =
	| { kind: "visitor"; uuid: string; minted: boolean }
	/** A browser in a cross-site context without our cookie: redirect once to learn if it keeps cookies. */
	| { kind: "bounce" }
	| { kind: "anonymous"; reason: "opted out" | "no consent" | "cookies blocked"; optedOut: boolean };

export interface ResolveOptions {
	consentAllowsEdge: boolean;
	/** A UUID the caller vouches for when the cookie is missing (the tag's first-party copy). */
	fallbackUuid?: string | null;
	/** True when this request is already the second leg of a cookie bounce. */
	bounced?: boolean;
	/** Cookie bounces are only for navigations/pixels (/ibs), never for the tag's fetch (/id). */
	mayBounce: boolean;
}

/**
 * Decides the visitor's UUID and writes (or renews) the `uuid` cookie accordingly. Opt-out wins over
 * everything; without consent no cookie is written or renewed.
 */
export function resolveVisitor(c: Context, settings: Settings, opts: ResolveOptions): Resolution {
	const visitor = readVisitor(c);
	if (visitor.kind === "optedOut") {
		setVisitorCookie(c, NOTARGET, settings);
		return { kind: "anonymous", reason: "opted out", optedOut: true };
	}
	if (!opts.consentAllowsEdge) return { kind: "anonymous", reason: "no consent", optedOut: false };
	if (visitor.kind === "known") {
		setVisitorCookie(c, visitor.uuid, settings);
		return { kind: "visitor", uuid: visitor.uuid, minted: false };
	}
	if (opts.fallbackUuid) {
		setVisitorCookie(c, opts.fallbackUuid, settings);
		return { kind: "visitor", uuid: opts.fallbackUuid, minted: false };
	}
	if (opts.bounced) return { kind: "anonymous", reason: "cookies blocked", optedOut: false };
	const uuid = mintUuid();
	setVisitorCookie(c, uuid, settings);
	// Only a cross-site request can lose our cookie to third-party blocking; first-party ones keep it.
	if (opts.mayBounce && c.req.header("Sec-Fetch-Site") === "cross-site") return { kind: "bounce" };
	return { kind: "visitor", uuid, minted: true };
}
