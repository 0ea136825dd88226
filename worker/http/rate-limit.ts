import { fail } from "./errors";

/**
 * The key a client address is rate-limited under. An IPv4 address is one client; an IPv6 subscriber
 * usually holds a whole /64 and can pick a fresh address from it for every request, so IPv6 clients
 * are keyed by their /64 prefix. Anything that is not an IP address (a missing header) gives null:
 * nothing to limit by.
 */
export function clientKey(address: string | undefined | null): string | null {
	if (!address) return null;
	// An IPv4 address written as IPv6 (`::ffff:192.0.2.7`) is that IPv4 client.
	const ip = address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
	if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(ip)) return ip;
	const prefix = ipv6Prefix64(ip);
	return prefix === null ? null : `${prefix}::/64`;
}

/** The first four hextets of an IPv6 address, normalized (lower case, no leading zeros), or null. */
function ipv6Prefix64(ip: string): string | null {
	const address = ip.replace(/%.*$/, "").toLowerCase(); // a zone index is local to the sender
	if (!/^[0-9a-f:.]+$/.test(address) || address.length > 45) return null;
	const halves = address.split("::");
	if (halves.length > 2) return null;
	const head = hextets(halves[0] ?? "");
	const tail = halves.length === 2 ? hextets(halves[1] ?? "") : [];
	if (head === null || tail === null) return null;
	const missing = 8 - head.length - tail.length;
	if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
	const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
	return all.slice(0, 4).join(":");
}

/** The hextets of one side of `::`; an embedded IPv4 tail counts as two. */
function hextets(part: string): string[] | null {
	if (part === "") return [];
	const groups = part.split(":");
	const out: string[] = [];
	for (const [i, group] of groups.entries()) {
		if (i === groups.length - 1 && group.includes(".")) {
			if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(group)) return null;
			const [a = 0, b = 0, c = 0, d = 0] = group.split(".").map(Number);
			out.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
			continue;
		}
		if (!/^[0-9a-f]{1,4}$/.test(group)) return null;
		out.push(Number.parseInt(group, 16).toString(16));
	}
	return out;
}

/** Answers 429 with `reason` once `key` has used up its allowance in `limiter`; no key, no limit. */
export async function enforceLimit(limiter: RateLimit, key: string | null, reason: string): Promise<void> {
	if (key === null) return;
	const { success } = await limiter.limit({ key });
	if (!success) fail(429, reason);
}
