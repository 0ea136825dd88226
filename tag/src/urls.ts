import type { Signals } from "./consent";

/** A UUID as the edge issues it (SPEC §2): anything else in our cookie is ignored. */
// test() stringifies: undefined, null and numbers never match, so no typeof check is needed.
export const isUuid = (v: unknown): v is string => /^\d{38}$/.test(v as string);

/** `/id` with the consent signals and, when the tag knows it, the first-party copy of the UUID. */
export function idUrl(edge: string, fpid: string | undefined, signals: Signals): string {
	const q = new URLSearchParams(signals);
	if (fpid) q.set("fpid", fpid);
	return `${edge}/id?${q}`;
}

/** The edge's opt-out pixel; `fpid` lets it erase the visitor when third-party cookies hide its own. */
export const optOutUrl = (edge: string, fpid: string | undefined): string =>
	`${edge}/demoptout.jpg${fpid ? `?fpid=${fpid}` : ""}`;
