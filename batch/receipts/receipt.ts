/**
 * The receipt's per-line counters (SPEC §5), summed over the parts, chunks and steps of a delivery.
 * The inbound pipeline counts them (batch/inbound/parse/tally.ts); the receipt prints them.
 */
export interface LineCounts {
	recordsReceived: number;
	formatErrors: number;
	invalidIds: number;
	noMatchingId: number;
	noTraitRealized: number;
	totalSignals: number;
	totalUnusedSignals: number;
	totalRealizedTraits: number;
	totalRemovedTraits: number;
	totalTraitsFailedValidation: number;
	/** Signals after the per-line cap (INBOUND_MAX_SIGNALS_PER_LINE): not read, not in totalSignals. */
	signalsOverCap: number;
	/** Files whose content went past the size cap (INBOUND_MAX_FILE_BYTES): read up to it only. */
	filesCut: number;
}

export function emptyCounts(): LineCounts {
	return {
		recordsReceived: 0,
		formatErrors: 0,
		invalidIds: 0,
		noMatchingId: 0,
		noTraitRealized: 0,
		totalSignals: 0,
		totalUnusedSignals: 0,
		totalRealizedTraits: 0,
		totalRemovedTraits: 0,
		totalTraitsFailedValidation: 0,
		signalsOverCap: 0,
		filesCut: 0,
	};
}

/** The error kinds the receipt shows sample lines of. */
export type ReceiptSampleKind =
	| "formatErrors"
	| "invalidIds"
	| "noMatchingId"
	| "noTraitRealized"
	| "traitsFailedValidation"
	| "signalsOverCap"
	| "filesCut";

/** Up to 10 offending lines per error kind, as `line N: text` (text cut to 200 characters). */
export type SampleLines = Partial<Record<ReceiptSampleKind, string[]>>;

/**
 * The receipt of one inbound delivery: first AAM's inbound receipt fields, spelled exactly as AAM's
 * message spells them ("Sample Message to Partners after Inbound Processing", SPEC §5), in its order, so
 * a vendor's receipt parser reads them unchanged; then edgesync's additions, which never rename them.
 */
export interface Receipt {
	"File name": string[];
	"Records received": number;
	"Format Errors": number;
	"Invalid AAM ID": number;
	"No Matching AAM ID": number;
	"No Trait Realized": number;
	"Records processed": number;
	"Stored Records": number;
	"Total devices": number;
	"Total signals": number;
	"Total unused signals": number;
	"Total realized traits": number;
	"Total removed traits": number;
	"Total traits failed validation": number;
	"Total users that have traits which failed validation": number;
	"Job start time": string;
	"Job end time": string;
	// ---- edgesync's additions ----
	Delivery: string;
	Status: "done" | "rejected";
	/** Signals past INBOUND_MAX_SIGNALS_PER_LINE on a line: not read (and not in "Total signals"). */
	"Signals over the per-line cap": number;
	/** Files whose content (after gunzip) went past INBOUND_MAX_FILE_BYTES: the rest was not read. */
	"Files cut at the size cap": number;
	"Sample lines": SampleLines;
	/** A late split part is applied on its own (batch/inbound/late-parts.ts): the delivery it belongs to. */
	"Late part of"?: string;
	/** Why files were refused before processing (bad name or path, a data source not granted, a second upload). */
	Reason?: string;
}

/** AAM's fields, in the order of AAM's message (the e-mail prints them so). */
export const AAM_RECEIPT_FIELDS = [
	"Records received",
	"Format Errors",
	"Invalid AAM ID",
	"No Matching AAM ID",
	"No Trait Realized",
	"Records processed",
	"Stored Records",
	"Total devices",
	"Total signals",
	"Total unused signals",
	"Total realized traits",
	"Total removed traits",
	"Total traits failed validation",
	"Total users that have traits which failed validation",
	"Job start time",
	"Job end time",
] as const satisfies ReadonlyArray<keyof Receipt>;

export interface UserTotals {
	devices: number;
	failedValidation: number;
}

/** What a finished delivery's receipt is made of. */
export interface ReceiptInput {
	delivery: string;
	/** The delivery's R2 keys (the receipt names the files only). */
	files: readonly string[];
	counts: LineCounts;
	sampleLines: SampleLines;
	users: UserTotals;
	/** Unix ms. */
	start: number;
	end: number;
	lateOf?: string | null;
}

export function buildReceipt(input: ReceiptInput): Receipt {
	const { delivery, files, counts: c, sampleLines, users, start, end, lateOf } = input;
	const processed = c.recordsReceived;
	return {
		"File name": files.map(baseName),
		"Records received": c.recordsReceived,
		"Format Errors": c.formatErrors,
		"Invalid AAM ID": c.invalidIds,
		"No Matching AAM ID": c.noMatchingId,
		"No Trait Realized": c.noTraitRealized,
		"Records processed": processed,
		"Stored Records": processed - c.formatErrors - c.invalidIds - c.noMatchingId - c.noTraitRealized,
		"Total devices": users.devices,
		"Total signals": c.totalSignals,
		"Total unused signals": c.totalUnusedSignals,
		"Total realized traits": c.totalRealizedTraits,
		"Total removed traits": c.totalRemovedTraits,
		"Total traits failed validation": c.totalTraitsFailedValidation,
		"Total users that have traits which failed validation": users.failedValidation,
		"Job start time": receiptTime(start),
		"Job end time": receiptTime(end),
		Delivery: delivery,
		Status: "done",
		"Signals over the per-line cap": c.signalsOverCap,
		"Files cut at the size cap": c.filesCut,
		"Sample lines": sampleLines,
		...(lateOf ? { "Late part of": lateOf } : {}),
	};
}

/** A receipt for files that were refused before processing; every count is zero. */
export function rejectedReceipt(id: string, files: readonly string[], reason: string, at: number): Receipt {
	const users = { devices: 0, failedValidation: 0 };
	const receipt = buildReceipt({
		delivery: id,
		files,
		counts: emptyCounts(),
		sampleLines: {},
		users,
		start: at,
		end: at,
	});
	return { ...receipt, Status: "rejected", Reason: reason };
}

/** UTC, `YYYY-MM-DD HH:MM:SS`. */
export function receiptTime(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

function baseName(key: string): string {
	return key.slice(key.lastIndexOf("/") + 1);
}
