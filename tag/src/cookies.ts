import Cookies from "js-cookie";
import type { Config } from "./config";
import { isUuid } from "./urls";

/** The first-party copy of the UUID (SPEC §2). */
const ID = "_es_id";
/** Present while the last `/id` call is younger than the configured interval. */
const FRESH = "_es_t";

export interface Store {
	id(): string | undefined;
	/** Truthy while the last /id call is younger than the interval. */
	fresh(): string | undefined;
	save(uuid: string): void;
	clear(): void;
}

export function cookieStore(config: Config, https: boolean): Store {
	// js-cookie skips attributes whose value is falsy, so an unset domain gives a host-only cookie.
	const attrs: Cookies.CookieAttributes = { domain: config.domain, sameSite: "Lax", secure: https };
	return {
		id: () => {
			const v = Cookies.get(ID);
			return isUuid(v) ? v : undefined;
		},
		fresh: () => Cookies.get(FRESH),
		save: (uuid) => {
			Cookies.set(ID, uuid, { ...attrs, expires: 395 }); // days, as the edge's own cookie
			if (config.every) Cookies.set(FRESH, "1", { ...attrs, expires: config.every / 86_400 });
		},
		clear: () => {
			Cookies.remove(ID, attrs);
			Cookies.remove(FRESH, attrs);
		},
	};
}
