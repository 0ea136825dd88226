import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { Settings } from "../../core/config/settings";
import { isUuid, NOTARGET } from "../../core/uuid";

export const UUID_COOKIE = "uuid";
/** 395 days (SPEC §2); renewed on every request that carries the cookie. */
export const UUID_MAX_AGE = 34_128_000;
/** 10 years for opt-outs. Browsers clamp Max-Age to 400 days; renewal on each visit keeps it alive. */
export const NOTARGET_MAX_AGE = 315_360_000;

/** What the `uuid` cookie says about the visitor. A forged or malformed value counts as absent. */
export type Visitor = { kind: "known"; uuid: string } | { kind: "optedOut" } | { kind: "unknown" };

export function readVisitor(c: Context): Visitor {
	const value = getCookie(c, UUID_COOKIE);
	if (value === NOTARGET) return { kind: "optedOut" };
	if (isUuid(value)) return { kind: "known", uuid: value };
	return { kind: "unknown" };
}

/**
 * Serialised by hand rather than with hono/cookie: Hono refuses Max-Age above 400 days, and the
 * opt-out cookie's 10 years is part of the contract.
 */
export function visitorCookie(value: string, settings: Settings): string {
	const maxAge = value === NOTARGET ? NOTARGET_MAX_AGE : UUID_MAX_AGE;
	const parts = [`${UUID_COOKIE}=${value}`, `Max-Age=${maxAge}`, "Path=/"];
	if (settings.cookieDomain) parts.push(`Domain=${settings.cookieDomain}`);
	parts.push("HttpOnly", "Secure", `SameSite=${settings.cookieSameSite}`);
	return parts.join("; ");
}

export function setVisitorCookie(c: Context, value: string, settings: Settings): void {
	c.header("Set-Cookie", visitorCookie(value, settings), { append: true });
}
