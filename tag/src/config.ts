/** What a site owner can set on the script element (`data-*`); everything has a safe default. */
export interface Config {
	/** The edge's origin: `data-edge`, else the origin the script was loaded from. */
	edge: string;
	/** `Domain` of the first-party cookies (`data-cookie-domain`); unset = host-only. */
	domain?: string;
	/** Most sync pixels fired on one page view (`data-max-syncs`). */
	max: number;
	/** Milliseconds to wait for a CMP to answer at all (`data-consent-timeout`). */
	wait: number;
	/** Seconds between two `/id` calls (`data-interval`); 0 = every page view. */
	every: number;
	/** `data-gdpr`: "1" or "0" when the page has no TCF CMP; unset = let the edge's default decide. */
	gdpr?: string;
}

// "abc", "-1" and "" fall back to the default rather than disabling a limit by accident.
const num = (value: string | undefined, fallback: number): number => (value && +value >= 0 ? +value : fallback);

export function readConfig(data: DOMStringMap, src: string): Config {
	return {
		// Normalised to an origin, so "https://sync.example.com/" works as well.
		edge: new URL(data.edge || src).origin,
		domain: data.cookieDomain,
		max: num(data.maxSyncs, 5),
		wait: num(data.consentTimeout, 1500),
		every: num(data.interval, 86_400),
		gdpr: data.gdpr,
	};
}
