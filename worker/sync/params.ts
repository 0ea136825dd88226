/**
 * Query-string handling for sync calls. URLSearchParams silently turns invalid percent-encoding
 * into U+FFFD; sync IDs must be rejected instead, so values are decoded strictly here.
 */
export type RawParams = ReadonlyArray<readonly [name: string, rawValue: string]>;

/** Splits `a=1&b=2` into raw (still percent-encoded) pairs; names are decoded leniently. */
export function splitParams(raw: string): RawParams {
	const out: Array<[string, string]> = [];
	for (const part of raw.split("&")) {
		if (!part) continue;
		const eq = part.indexOf("=");
		const name = eq < 0 ? part : part.slice(0, eq);
		const value = eq < 0 ? "" : part.slice(eq + 1);
		out.push([strictDecode(name) ?? name, value]);
	}
	return out;
}

/** `+` is a space in query strings; returns null for bytes that are not valid UTF-8. */
export function strictDecode(raw: string): string | null {
	try {
		return decodeURIComponent(raw.replace(/\+/g, " "));
	} catch {
		return null;
	}
}

/**
 * The parameters of a sync URL in every accepted form: the AAM path form `/ibs:a=1&b=2`
 * (path parameters first) followed by the ordinary query string.
 */
export function syncParams(url: URL, prefix: string): RawParams {
	const path = url.pathname;
	const inPath = path.startsWith(`${prefix}:`) ? path.slice(prefix.length + 1) : "";
	return [...splitParams(inPath), ...splitParams(url.search.slice(1))];
}

/** First raw value of `name` (or of any alias), undefined when absent. */
export function firstRaw(params: RawParams, ...names: string[]): string | undefined {
	for (const [name, value] of params) if (names.includes(name)) return value;
	return undefined;
}

export function allRaw(params: RawParams, name: string): string[] {
	return params.filter(([n]) => n === name).map(([, v]) => v);
}

/** A lenient getter (invalid encoding → undefined) for parameters that are not IDs. */
export function lenientGetter(params: RawParams): (name: string) => string | undefined {
	return (name) => {
		const raw = firstRaw(params, name);
		return raw === undefined ? undefined : (strictDecode(raw) ?? undefined);
	};
}
