/**
 * The settings the tag runs with: the site owner's own (`cookieDomain`, `gdpr` as written) and the rest
 * normalised with defaults.
 */
export interface Config extends Settings {
	/** The edge's origin: `data-edge`, else the origin the script was loaded from. */
	edge: string;
	/** Most sync pixels fired on one page view (`data-max-syncs`). */
	max: number;
	/** Milliseconds to wait for a CMP to answer at all (`data-consent-timeout`). */
	wait: number;
	/** Seconds between two `/id` calls (`data-interval`); 0 = every page view. */
	every: number;
}

/**
 * The site owner's settings as written: the script element's `dataset` (strings), or the options of the
 * ESM module's `start()` (numbers too). The module's public `Options` (module.ts) match these names.
 */
export interface Settings {
	edge?: string;
	/** `Domain` of the first-party cookies (`data-cookie-domain`); unset = host-only. */
	cookieDomain?: string;
	maxSyncs?: string | number;
	consentTimeout?: string | number;
	interval?: string | number;
	/** `data-gdpr`: "1" or "0" when the page has no TCF CMP; unset = let the edge's default decide. */
	gdpr?: string;
}

// Whole numbers only: "abc", "-1", "1.5" and "" fall back to the default rather than disabling a limit by
// accident; test() stringifies, so 0 (a number) and "0" both count.
const num = (value: string | number | undefined, fallback: number): number =>
	/^\d+$/.test(value as string) ? +(value as string) : fallback;

export function readConfig(data: Settings, src?: string): Config {
	return {
		// Copied as they are: cookieDomain, gdpr (and the raw numbers, unused).
		...data,
		// Normalised to an origin, so "https://sync.example.com/" works as well.
		edge: new URL((data.edge || src) as string).origin,
		max: num(data.maxSyncs, 5),
		wait: num(data.consentTimeout, 1500),
		every: num(data.interval, 86_400),
	};
}
