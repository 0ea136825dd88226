import { getDomain } from "tldts";

/**
 * Whether a `*.<base>` redirect wildcard stays inside one owner's name. It does when `base` has a
 * registrable domain by the Public Suffix List, private section included (`tldts`): `*.example.com` and
 * `*.partner.co.uk` do; `*.com`, `*.co.uk`, `*.github.io` and `*.workers.dev` do not (anyone can own a
 * name under those), nor does an unknown top-level name or an IP address.
 */
export function wildcardBaseAllowed(base: string): boolean {
	return getDomain(base, { allowPrivateDomains: true, extractHostname: false }) !== null;
}
