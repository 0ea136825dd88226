import { wildcardBaseAllowed } from "./public-suffix";

/**
 * Partner-initiated sync redirects (`redir=`). The edge must never be an open redirect: the target
 * is parsed the way a browser would parse it and its host must be on the partner's allow-list.
 */
export const MAX_REDIR_LENGTH = 2_048;

const UUID_MACRO = /\$\{DD_UUID\}|%24%7BDD_UUID%7D/gi;
// Browsers silently drop tabs/newlines inside URLs and read "\" as "/": refuse both outright.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const DISGUISE = /[\u0000-\u0020\u007f\\]/;
const SAMPLE_UUIDS = ["0".repeat(38), ""];

/** The URL to redirect to, with `${DD_UUID}` replaced by the (URL-encoded) UUID. */
export function redirectUrl(redir: string, uuid: string): URL | null {
	try {
		return new URL(redir.replace(UUID_MACRO, encodeURIComponent(uuid)));
	} catch {
		return null;
	}
}

/** Why `redir` may not be followed for a partner with `allowedHosts`, or null when it may. */
export function redirectProblem(redir: string, allowedHosts: readonly string[]): string | null {
	if (redir.length > MAX_REDIR_LENGTH) return `redir longer than ${MAX_REDIR_LENGTH} characters`;
	if (DISGUISE.test(redir)) return "redir contains whitespace, control characters or backslashes";
	for (const uuid of SAMPLE_UUIDS) {
		const url = redirectUrl(redir, uuid);
		if (!url) return "redir is not an absolute URL";
		if (url.protocol !== "https:" && url.protocol !== "http:") return "redir must be an http(s) URL";
		if (url.username || url.password) return "redir must not carry user info";
		if (!hostAllowed(url.hostname, allowedHosts)) return `redir host ${url.hostname} is not allowed for this partner`;
	}
	return null;
}

/**
 * Exact host names, or "*.example.com" for any subdomain of example.com (not example.com itself). A
 * wildcard over a public suffix (`*.co.uk`, `*.github.io`) never matches, even if one was stored before
 * partners were checked against the Public Suffix List: it would let the partner send visitors anywhere.
 */
export function hostAllowed(hostname: string, allowedHosts: readonly string[]): boolean {
	const host = hostname.toLowerCase();
	return allowedHosts.some((entry) => {
		const allowed = entry.toLowerCase();
		if (!allowed.startsWith("*.")) return host === allowed;
		const base = allowed.slice(2);
		return host.endsWith(`.${base}`) && host.length > base.length + 1 && wildcardBaseAllowed(base);
	});
}
