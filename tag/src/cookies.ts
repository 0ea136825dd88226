import Cookies from "js-cookie";
import type { Config } from "./config";
import { isCopy } from "./urls";

/** The first-party copy of the UUID (SPEC §2), as signed by the edge: `<uuid>.<MAC>`. */
const ID = "_es_id";
/** Present while the last `/id` call is younger than the configured interval. */
const FRESH = "_es_t";

export interface Store {
	/** The signed copy, or "" when there is none or it is not signed (an old copy). */
	id(): string;
	/** Truthy while the last /id call is younger than the interval. */
	fresh(): string | undefined;
	save(copy: string): void;
	clear(): void;
}

export function cookieStore(config: Config, https: boolean): Store {
	// js-cookie skips attributes whose value is falsy, so an unset domain gives a host-only cookie.
	const jar = Cookies.withAttributes({ domain: config.cookieDomain, sameSite: "Lax", secure: https });
	return {
		id: () => {
			const v = jar.get(ID);
			return isCopy(v) ? v : "";
		},
		fresh: () => jar.get(FRESH),
		save: (copy) => {
			jar.set(ID, copy, { expires: 395 }); // days, as the edge's own cookie
			if (config.every) jar.set(FRESH, "1", { expires: config.every / 86_400 });
		},
		clear: () => {
			jar.remove(ID);
			jar.remove(FRESH);
		},
	};
}
