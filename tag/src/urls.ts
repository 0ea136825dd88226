import type { Signals } from "./consent";

/**
 * The signed copy of the UUID the edge hands out: `<38-digit UUID>.<22-character MAC>`. Anything else in
 * our cookie (an old unsigned copy too) is ignored, so the tag asks `/id` and stores a signed one.
 */
// test() stringifies: undefined, null and numbers never match, so no typeof check is needed.
export const isCopy = (v: unknown): v is string => /^\d{38}\.[\w-]{22}$/.test(v as string);

/** The plain UUID in a signed copy (what pages get through `getUuid`). */
export const uuidOf = (copy: string): string => copy.slice(0, 38);

/** `/id` with the consent signals and, when the tag has one, the signed first-party copy of the UUID. */
export function idUrl(edge: string, fpid: string, signals: Signals): string {
	const q = new URLSearchParams(signals);
	if (fpid) q.set("fpid", fpid);
	return `${edge}/id?${q}`;
}

/** The edge's opt-out pixel; `fpid` lets it erase the visitor when third-party cookies hide its own. */
export const optOutUrl = (edge: string, fpid: string): string => `${edge}/demoptout.jpg?fpid=${fpid}`;
