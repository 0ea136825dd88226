import { emptyTally, type Samples, type Tally } from "../inbound/counts";

/**
 * The receipt of one inbound delivery, with exactly the fields of SPEC §5 (their names are the JSON
 * keys, so what vendors read matches the spec word for word), then edgesync's additions: what the
 * operator's caps left unread, and error samples.
 */
export interface Receipt {
	Delivery: string;
	Status: "done" | "rejected";
	"File name(s)": string[];
	"Records received": number;
	"Format errors": number;
	"Invalid IDs": number;
	"No matching ID": number;
	"No trait realized": number;
	"Records processed": number;
	"Stored records": number;
	"Total devices": number;
	"Total signals": number;
	"Total unused signals": number;
	"Total realized traits": number;
	"Total removed traits": number;
	"Total traits failed validation": number;
	"Users with traits that failed validation": number;
	"Job start time": string;
	"Job end time": string;
	/** Signals past INBOUND_MAX_SIGNALS_PER_LINE on a line: not read (and not in "Total signals"). */
	"Signals over the per-line cap": number;
	/** Files whose content (after gunzip) went past INBOUND_MAX_FILE_BYTES: the rest was not read. */
	"Files cut at the size cap": number;
	"Sample lines": Samples;
	/** Why files were refused before processing (bad name or path, a data source not granted, a second upload). */
	Reason?: string;
}

export interface UserTotals {
	devices: number;
	failedValidation: number;
}

export function buildReceipt(
	delivery: string,
	files: readonly string[],
	tally: Tally,
	users: UserTotals,
	start: number,
	end: number,
): Receipt {
	const c = tally.counts;
	const processed = c.recordsReceived;
	return {
		Delivery: delivery,
		Status: "done",
		"File name(s)": files.map(baseName),
		"Records received": c.recordsReceived,
		"Format errors": c.formatErrors,
		"Invalid IDs": c.invalidIds,
		"No matching ID": c.noMatchingId,
		"No trait realized": c.noTraitRealized,
		"Records processed": processed,
		"Stored records": processed - c.formatErrors - c.invalidIds - c.noMatchingId - c.noTraitRealized,
		"Total devices": users.devices,
		"Total signals": c.totalSignals,
		"Total unused signals": c.totalUnusedSignals,
		"Total realized traits": c.totalRealizedTraits,
		"Total removed traits": c.totalRemovedTraits,
		"Total traits failed validation": c.totalTraitsFailedValidation,
		"Users with traits that failed validation": users.failedValidation,
		"Job start time": receiptTime(start),
		"Job end time": receiptTime(end),
		"Signals over the per-line cap": c.signalsOverCap,
		"Files cut at the size cap": c.filesCut,
		"Sample lines": tally.samples,
	};
}

/** A receipt for files that were refused before processing; every count is zero. */
export function rejectedReceipt(id: string, files: readonly string[], reason: string, at: number): Receipt {
	const empty: Tally = emptyTally();
	return {
		...buildReceipt(id, files, empty, { devices: 0, failedValidation: 0 }, at, at),
		Status: "rejected",
		Reason: reason,
	};
}

/** UTC, `YYYY-MM-DD HH:MM:SS`. */
export function receiptTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function baseName(key: string): string {
	return key.slice(key.lastIndexOf("/") + 1);
}
