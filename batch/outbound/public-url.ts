import ipaddr from "ipaddr.js";

/**
 * Target URLs (a partner's HTTPS endpoint, an S3 endpoint) must name a public https host: the edge
 * sends files and secrets there, so a URL pointing at loopback, a private network or a cloud metadata
 * service would turn the Worker into a way in. The URL is read with the WHATWG parser, which turns
 * every IPv4 notation a browser accepts (2130706433, 0177.0.0.1, 0x7f.1, 127.1) into dotted form first,
 * and an address is accepted only in a range ipaddr.js calls plain unicast (IPv6: global unicast).
 * Names are checked by what they say; what a public name resolves to is up to DNS (docs/security.md).
 */
const MAX_URL_LENGTH = 2048;

// Names that are never public hosts: RFC 6761 / 6762 / 8375 special-use names, ICANN's `.internal`, and
// private-network suffixes that are not delegated in the public DNS.
const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "localdomain", "lan", "intranet", "corp"];
// A cloud metadata service that answers by a public-looking name (the others are `.internal` names or
// single labels, refused above).
const METADATA_HOST = "metadata.goog";
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

/** Why `raw` is not a public https URL, or null when it is one. */
export function publicUrlProblem(raw: string): string | null {
	if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return "must be an absolute https:// URL";
	}
	if (url.protocol !== "https:") return "must be an https:// URL";
	// `https://@host` parses with an empty user name: any "@" before the host is user info.
	if (url.username || url.password || /^\s*https:[/\\]*[^/\\?#]*@/i.test(raw)) {
		return "must not carry user info (user:password@)";
	}
	const host = url.hostname.toLowerCase().replace(/\.$/, "");
	const address = addressOf(host);
	if (address) return isPublic(address) ? null : `host ${url.hostname} is not a public address (${rangeOf(address)})`;
	if (!host.includes(".")) return `host ${url.hostname} is a single label, not a public host name`;
	if (host === METADATA_HOST) return `host ${url.hostname} is a cloud metadata service`;
	if (LOCAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) {
		return `host ${url.hostname} is a local or internal name, not a public host`;
	}
	return null;
}

/** The IP address a WHATWG hostname is (dotted IPv4, or bracketed IPv6), or null for a name. */
function addressOf(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
	if (host.startsWith("[") && host.endsWith("]")) {
		const inner = host.slice(1, -1);
		return ipaddr.IPv6.isValid(inner) ? ipaddr.IPv6.parse(inner) : null;
	}
	return ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : null;
}

function isPublic(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
	if (address.range() !== "unicast") return false;
	// IPv6 outside 2000::/3 (e.g. `::7f00:1`, an IPv4-compatible loopback) is no public destination.
	return address instanceof ipaddr.IPv4 || address.match(GLOBAL_UNICAST_V6);
}

function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): string {
	const range = address.range();
	return range === "unicast" ? "not global unicast" : range;
}
