import { parseDpid } from "../../../core/partners/dpid";

/**
 * Inbound file names (SPEC §5):
 * - `ftp_dpm_<DPID>[_<TARGET_DPID>]_<TIMESTAMP>(.sync|.overwrite)[.<SPLIT>][.gz|.pgp|.gpg]`: trait data;
 * - `adobe_id_<MASTER_DPID>_<DPID>[_<DPID>…]_<TIMESTAMP>.sync[.<SPLIT>][.gz|.pgp|.gpg]`: file-based ID
 *   sync, and `c2c_id_…` (AAM's name for People-Based Destinations' ID sync files; read the same way).
 * `.pgp` / `.gpg` is an OpenPGP-encrypted file (AAM's "File PGP Encryption for Inbound Data Types"): the
 * extension comes last, after the split number, as `.gz` does (`….sync.1.pgp`). AAM refuses gzip inside
 * PGP ("PGP encryption includes file compression"), so `….gz.pgp` is refused by name.
 * Names are matched exactly (case included): a vendor whose tool mangles names should learn it from
 * the rejection, not from data applied under a guessed meaning.
 */
export interface InboundFileName {
	/** The name as given (no path). */
	name: string;
	kind: "traits" | "id_sync";
	/** The data source sending the file: the DPID whose user IDs it carries (`id_sync`: the second DPID). */
	dpid: number;
	/** `ftp_dpm_<DPID>_<TARGET_DPID>_…`: the data source whose traits the file sets; null when absent. */
	targetDpid: number | null;
	/** `adobe_id_<MASTER_DPID>_…`: whose IDs the first column holds (0 = edgesync UUIDs); null for traits. */
	masterDpid: number | null;
	/** ID sync: the DPIDs after the master, one column each, in name order (`dpid` is the first); [] for traits. */
	syncDpids: number[];
	/** Unix seconds, as written (10 digits). */
	timestampSeconds: number;
	mode: "sync" | "overwrite";
	/** `.1`, `.2` … of a split delivery; null when the delivery is one file. */
	split: number | null;
	gzip: boolean;
	/** `.pgp` or `.gpg`: OpenPGP-encrypted, decrypted with the operator's private key (parse/pgp.ts). */
	pgp: boolean;
	/** The name without split number, `.gz`, `.pgp`/`.gpg`: equal for every part of one delivery. */
	deliveryKey: string;
}

export type FileNameProblem =
	| "not_a_name"
	| "unknown_pattern"
	| "bad_dpid"
	| "bad_timestamp"
	| "bad_split"
	| "gzip_in_pgp";

/** `error` is a sentence for receipts and the CLI; `reason` is for code. */
export interface FileNameError {
	error: string;
	reason: FileNameProblem;
}

// Digits are matched loosely here and checked one by one below, so a 9-digit timestamp is reported as
// such instead of as "unknown pattern".
const FTP_DPM = /^ftp_dpm_(\d+)(?:_(\d+))?_(\d+)\.(sync|overwrite)(?:\.(\d+))?(\.gz)?(\.pgp|\.gpg)?$/;
const ID_SYNC = /^(adobe_id|c2c_id)_(\d+)((?:_\d+)+)_(\d+)\.(sync)(?:\.(\d+))?(\.gz)?(\.pgp|\.gpg)?$/;
/** More DPIDs than an ID-sync file needs; bounds the columns a row must have. */
export const MAX_SYNC_DPIDS = 20;
const MAX_NAME_LENGTH = 128;
/** More parts than anyone splits into; bounds the number a name can carry. */
export const MAX_SPLIT = 99_999;

export function parseInboundFileName(name: string): InboundFileName | FileNameError {
	// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
	if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[/\\\u0000-\u001f\u007f]/.test(name)) {
		return fail("not_a_name", "not a bare file name (empty, too long, a path or control characters)");
	}
	const ftp = FTP_DPM.exec(name);
	const idSync = ftp ? null : ID_SYNC.exec(name);
	if (!ftp && !idSync) {
		// Compressing an encrypted file gains nothing (PGP compresses before it encrypts), and AAM names
		// `.pgp`/`.gpg` as the last extension.
		const hint = /\.(pgp|gpg)\.gz$/.test(name)
			? "; an encrypted file ends in .pgp or .gpg (PGP compresses it already: do not gzip it)"
			: "";
		return fail(
			"unknown_pattern",
			`name matches neither ftp_dpm_<DPID>[_<TARGET_DPID>]_<TIMESTAMP>.(sync|overwrite)[.<SPLIT>][.gz|.pgp|.gpg] nor adobe_id_<MASTER_DPID>_<DPID>[_<DPID>…]_<TIMESTAMP>.sync[.<SPLIT>][.gz|.pgp|.gpg] (or c2c_id_…)${hint}`,
		);
	}
	// The same seven parts either way: ID sync's second is `_<DPID>[_<DPID>…]`, after its prefix.
	const [first = "", second, stamp = "", mode = "", splitRaw, gz, pgp] = ftp ? ftp.slice(1) : (idSync?.slice(2) ?? []);
	if (gz !== undefined && pgp !== undefined) {
		return fail(
			"gzip_in_pgp",
			`gzip inside PGP (${gz}${pgp}) is refused, as AAM refuses it: PGP encryption compresses the file already; encrypt the uncompressed file and name it ${name.slice(0, -(gz.length + pgp.length))}${pgp}`,
		);
	}

	const timestamp = /^[1-9]\d{9}$/.test(stamp) ? Number(stamp) : null;
	if (timestamp === null) return fail("bad_timestamp", `timestamp ${stamp} is not 10-digit Unix seconds`);

	let split: number | null = null;
	if (splitRaw !== undefined) {
		split = /^[1-9]\d*$/.test(splitRaw) && Number(splitRaw) <= MAX_SPLIT ? Number(splitRaw) : null;
		if (split === null) return fail("bad_split", `split number ${splitRaw} is not 1 to ${MAX_SPLIT}`);
	}

	let dpid: number | null;
	let targetDpid: number | null = null;
	let masterDpid: number | null = null;
	const syncDpids: number[] = [];
	if (ftp) {
		dpid = parseDpid(first);
		if (dpid === null) return fail("bad_dpid", `DPID ${first} is not a positive 31-bit integer`);
		if (second !== undefined) {
			targetDpid = parseDpid(second);
			if (targetDpid === null) return fail("bad_dpid", `target DPID ${second} is not a positive 31-bit integer`);
		}
	} else {
		// DPID 0 stands for edgesync's own UUIDs, so it is allowed as the master column only.
		masterDpid = first === "0" ? 0 : parseDpid(first);
		if (masterDpid === null) return fail("bad_dpid", `master DPID ${first} is not 0 or a positive 31-bit integer`);
		const raws = (second ?? "").slice(1).split("_");
		if (raws.length > MAX_SYNC_DPIDS) return fail("bad_dpid", `more than ${MAX_SYNC_DPIDS} DPIDs after the master`);
		for (const raw of raws) {
			const one = parseDpid(raw);
			if (one === null) return fail("bad_dpid", `DPID ${raw} is not a positive 31-bit integer`);
			if (one === masterDpid) return fail("bad_dpid", "master DPID and DPID are the same");
			if (syncDpids.includes(one)) return fail("bad_dpid", `DPID ${one} is named twice`);
			syncDpids.push(one);
		}
		dpid = syncDpids[0] ?? null;
		if (dpid === null) return fail("bad_dpid", "no DPID after the master");
	}

	const prefix = ftp
		? `ftp_dpm_${dpid}${targetDpid === null ? "" : `_${targetDpid}`}`
		: `${idSync?.[1]}_${masterDpid}_${syncDpids.join("_")}`;
	return {
		name,
		kind: ftp ? "traits" : "id_sync",
		dpid,
		targetDpid,
		masterDpid,
		syncDpids,
		timestampSeconds: timestamp,
		mode: mode === "overwrite" ? "overwrite" : "sync",
		split,
		gzip: gz !== undefined,
		pgp: pgp !== undefined,
		deliveryKey: `${prefix}_${timestamp}.${mode}`,
	};
}

export function isFileNameError(result: InboundFileName | FileNameError): result is FileNameError {
	return "error" in result;
}

function fail(reason: FileNameProblem, error: string): FileNameError {
	return { error, reason };
}
