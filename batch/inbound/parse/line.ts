import { MAX_DPUUID_BYTES, partnerIdProblem } from "../../../core/partners/dpid";
import { globalSource, inboundDeviceIdProblem } from "../../../core/partners/global-sources";
import type { Partner } from "../../../core/partners/partner";
import { isUuid } from "../../../core/uuid";
import { readSignals, type Signal } from "./signals";

/** Whose IDs the first column of a trait file holds (a partner setting). */
export type InboundIdType = Partner["inboundIdType"];

/**
 * Why a line is a format error: counted under "Format Errors" and skipped. The line's structure is
 * what matters here; a bad signal inside a line that has a good one is an unused signal instead.
 */
export type LineProblem =
	| "too_long"
	| "invalid_utf8"
	| "empty_line"
	| "no_tab"
	| "empty_user_id"
	| "extra_tab"
	| "no_signals"
	| "no_valid_signals"
	| "wrong_column_count"
	| "trailing_whitespace"
	| "too_many_lines_for_user";

export type TraitLine =
	| { ok: true; userId: string; signals: Signal[]; signalsOverCap: number }
	| { ok: false; problem: LineProblem }
	| { ok: false; invalidId: string };

/**
 * `<user ID><TAB><signal>,<signal>,…`. The user ID is taken byte for byte: case-sensitive, never
 * URL-decoded (`%3A` stays `%3A`), `:` allowed, surrounding spaces kept (a vendor's ID with a stray
 * space would not match its sync either, and guessing would merge users). An ID that could never have
 * been synced (not 38 digits for a UUID partner; over 256 bytes or with control characters otherwise;
 * not in the format of the global data source `source` when the file carries one's device IDs) is an
 * invalid ID; a line with no ID at all is a format error. Signals after the first `maxSignals` are not
 * read, only counted (`signalsOverCap`).
 */
export function parseTraitLine(
	text: string,
	idType: InboundIdType,
	maxSignals = Number.POSITIVE_INFINITY,
	source: number | null = null,
): TraitLine {
	if (text.length === 0) return { ok: false, problem: "empty_line" };
	const tab = text.indexOf("\t");
	if (tab === -1) return { ok: false, problem: "no_tab" };
	if (tab === 0) return { ok: false, problem: "empty_user_id" };
	const rest = text.slice(tab + 1);
	// A second TAB means another column (e.g. an outbound file sent back): not this format.
	if (rest.includes("\t")) return { ok: false, problem: "extra_tab" };
	const userId = text.slice(0, tab);
	const idProblem = idProblemOf(userId, idType) ?? (source === null ? null : inboundDeviceIdProblem(source, userId));
	if (idProblem) return { ok: false, invalidId: idProblem };
	const { signals, overCap } = readSignals(rest, maxSignals);
	if (signals.length === 0) return { ok: false, problem: "no_signals" };
	if (signals.every((s) => s.kind === "unusable")) return { ok: false, problem: "no_valid_signals" };
	return { ok: true, userId, signals, signalsOverCap: overCap };
}

export type IdSyncLine =
	| { ok: true; ids: string[] }
	| { ok: false; problem: LineProblem }
	| { ok: false; invalidId: string };

/**
 * A row of an `adobe_id_` file: one TAB-separated ID per DPID of the name, in name order. DPID 0's
 * column holds edgesync UUIDs, a global data source's column its device IDs (in its format). Every
 * column is required: a row with a missing ID makes no pair.
 */
export function parseIdSyncLine(text: string, dpids: readonly number[]): IdSyncLine {
	if (text.length === 0) return { ok: false, problem: "empty_line" };
	// AAM: "Any rows that end with tabs or spaces will not be processed or realized."
	if (text.endsWith("\t") || text.endsWith(" ")) return { ok: false, problem: "trailing_whitespace" };
	const ids = text.split("\t");
	if (ids.length !== dpids.length) return { ok: false, problem: "wrong_column_count" };
	for (const [i, id] of ids.entries()) {
		if (id.length === 0) return { ok: false, problem: "empty_user_id" };
		const dpid = dpids[i] ?? 0;
		const problem = idProblemOf(id, dpid === 0 ? "uuid" : "partner") ?? inboundDeviceIdProblem(dpid, id);
		if (problem) return { ok: false, invalidId: `column ${i + 1}: ${problem}` };
	}
	return { ok: true, ids };
}

/**
 * Whose IDs a trait file's first column holds, by its name's DPID: a global data source's device IDs
 * (`ftp_dpm_20915_<TARGET>_…`: checked against the source's format, resolved through its pairs), or
 * the partner's own IDs of its `inboundIdType`.
 */
export function idColumnOf(
	dpid: number,
	partnerIdType: InboundIdType,
): { idType: InboundIdType; source: number | null } {
	return globalSource(dpid) ? { idType: "partner", source: dpid } : { idType: partnerIdType, source: null };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the same rule as partnerIdProblem's.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function idProblemOf(id: string, idType: InboundIdType): string | null {
	if (idType === "uuid") return isUuid(id) ? null : "not a 38-digit UUID";
	// Every line has an ID: skip encoding it to count bytes when it is too short to be over the limit.
	if (id.length * 3 <= MAX_DPUUID_BYTES && !CONTROL.test(id)) return null;
	return partnerIdProblem(id)?.replace("dpuuid", "user ID") ?? null;
}
