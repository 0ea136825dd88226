import { settingsOf } from "../../core/config/settings";
import { grantedSources, refusedSource } from "../../core/grants/access";
import { getPartner } from "../../core/partners/store";
import type { ChunkLine } from "./chunk-decision";
import type { Delivery } from "./delivery";
import { encodeIdLine, encodeTraitLine } from "./groups/piece-line";
import { PieceWriter } from "./groups/piece-writer";
import { type BucketLines, bucketOfLine, type LineRoute, noBucketLines } from "./groups/route";
import type { IdChunkLine } from "./id-chunk-decision";
import {
	addSample,
	countSignalsOverCap,
	countSkippedLine,
	emptyTally,
	type FileCutOutcome,
	type InboundFileName,
	idColumnOf,
	isFileNameError,
	noteFileCut,
	noteFileError,
	parseInboundFileInBatches,
	parseInboundFileName,
	SAMPLE_CHARS,
	type Tally,
} from "./parse";
import { inboundPgpKeyOf } from "./pgp-key";
import { loadDelivery } from "./store";

/** Where a split part starts: the delivery's line numbering and piece numbering go on across parts. */
export interface SplitFrom {
	line: number;
	piece: number;
}

export interface PartSplit {
	/** Where the next part starts. */
	next: SplitFrom;
	tally: Tally;
	/** Good lines per bucket, for planning the groups. */
	bucketLines: BucketLines;
}

/**
 * Step: streams one file of a delivery through the parser and writes its good lines to pieces, each
 * sorted by the bucket of the line's user (groups/route.ts), counting the lines that fail on their own
 * (format errors, invalid IDs). Memory is one piece at most, whatever the file size; one step per file
 * keeps a step's CPU within the file size cap (core/inbound-limits.ts). Deterministic, so a retry
 * rewrites the same pieces (the same R2 keys, the same D1 rows by piece number). A read of the file
 * that fails (R2, the network: the parser's SourceReadError) is no damage of the file: it throws out of
 * the step, and the Workflow retries it rather than count the unread rest as a format error. An
 * encrypted file that fails anywhere, its end included, is refused whole: the pieces it wrote are
 * discarded before the step returns, so no group step ever reads its lines.
 */
export async function splitPart(env: Env, deliveryId: string, part: number, from: SplitFrom): Promise<PartSplit> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	const partner = await getPartner(env.DB, delivery.dpid);
	if (!partner) throw new Error(`partner ${delivery.dpid} of delivery ${deliveryId} no longer exists`);
	const key = delivery.files[part];
	if (key === undefined) throw new Error(`delivery ${deliveryId} has no part ${part}`);
	const { inboundMaxSignalsPerLine, inboundMaxFileBytes, inboundPieceBytes } = settingsOf(env);
	let tally = emptyTally();
	const pieces = new PieceWriter(env, deliveryId, from.piece, inboundPieceBytes);
	const name = nameOf(key);
	const route = routeOf(delivery, name, idColumnOf(name.dpid, partner.inboundIdType).idType);

	// Grants are checked again as the part is read: one revoked since discovery (or before a late part
	// came) refuses the part whole, as at discovery, and nothing of it reaches the data source.
	const refusal = refusedSource(delivery.dpid, await grantedSources(env.DB, delivery.dpid), name);
	if (refusal) return refusedPart(tally, from, `${name.name}: ${refusal} (checked as the file was applied)`);

	let nextLine = from.line;
	const object = await env.EXCHANGE.get(key);
	if (!object) throw new Error(`${key} disappeared before it was read`);
	const outcomes = parseInboundFileInBatches(object.body, {
		name,
		idType: partner.inboundIdType,
		firstLine: nextLine,
		maxSignalsPerLine: inboundMaxSignalsPerLine,
		maxFileBytes: inboundMaxFileBytes,
		pgpKey: inboundPgpKeyOf(env),
	});
	for await (const batch of outcomes) {
		for (const outcome of batch) {
			if (outcome.type === "file_error") {
				// A plain or gzip file: the lines before the damage count, and the damaged remainder is one record,
				// received and a format error, so Records received still adds up to Stored Records plus the error
				// counts. A refused (encrypted) file: its lines are taken back, and the whole file is that record.
				let at = outcome.afterLine + 1;
				if (outcome.refused) {
					await pieces.discard();
					tally = emptyTally();
					at = from.line;
				}
				noteFileError(tally, outcome);
				tally.counts.recordsReceived++;
				tally.counts.formatErrors++;
				addSample(tally, "formatErrors", { line: at, why: `${name.name}: ${outcome.message}` });
				nextLine = outcome.refused ? at + 1 : at;
				continue;
			}
			if (outcome.type === "file_cut") {
				// Not a format error: the lines read are counted as usual, the rest of the file is not read.
				noteFileCut(tally, outcome);
				tally.counts.filesCut++;
				addSample(tally, "filesCut", { line: outcome.afterLine + 1, why: cutWhy(name, object.size, outcome) });
				nextLine = outcome.afterLine + 1;
				continue;
			}
			nextLine = outcome.line + 1;
			if (outcome.type === "format_error" || outcome.type === "invalid_id") {
				countSkippedLine(tally, outcome);
				continue;
			}
			// Records and ID pairs go on to the group steps, which count them.
			if (outcome.type === "record") countSignalsOverCap(tally, outcome);
			const text = outcome.text.slice(0, SAMPLE_CHARS);
			if (outcome.type === "record") {
				const line: ChunkLine = { n: outcome.line, u: outcome.userId, s: outcome.signals, t: text };
				await pieces.add({ bucket: bucketOfLine(route, outcome.userId), json: encodeTraitLine(line) });
			} else {
				const line: IdChunkLine = { n: outcome.line, ids: outcome.ids, t: text };
				await pieces.add({ bucket: bucketOfLine(route, outcome.ids[1] ?? ""), json: encodeIdLine(line) });
			}
		}
	}
	await pieces.flush();
	return { next: { line: nextLine, piece: pieces.nextPiece }, tally, bucketLines: pieces.bucketLines };
}

/** A part refused before it is read: one record, received and a format error, as a refused encrypted file. */
function refusedPart(tally: Tally, from: SplitFrom, why: string): PartSplit {
	tally.counts.recordsReceived++;
	tally.counts.formatErrors++;
	addSample(tally, "formatErrors", { line: from.line, why });
	return { next: { line: from.line + 1, piece: from.piece }, tally, bucketLines: noBucketLines() };
}

/**
 * Whose IDs the per-user rules count: a trait file's first column (UUIDs, the partner's own IDs or a
 * global data source's device IDs: the name's DPID), or an ID-sync file's DPID column (each of its IDs
 * is one device).
 */
function routeOf(delivery: Delivery, name: InboundFileName, idType: "partner" | "uuid"): LineRoute {
	if (delivery.kind === "id_sync") return { kind: "partner_id", dpid: name.dpid };
	return idType === "uuid" ? { kind: "visitor" } : { kind: "partner_id", dpid: name.dpid };
}

/** Where reading stopped; an uncompressed file's unread rest is its stored size minus what was read. */
function cutWhy(name: InboundFileName, storedBytes: number, cut: FileCutOutcome): string {
	const rest = name.gzip ? "" : ` (${storedBytes - cut.bytesRead} bytes)`;
	return `size cap of ${cut.maxBytes} bytes: read through line ${cut.afterLine} (${cut.bytesRead} bytes), the rest${rest} not read: ${name.name}`;
}

export function nameOf(key: string): InboundFileName {
	const name = parseInboundFileName(key.slice(key.lastIndexOf("/") + 1));
	// Discovery only records deliveries whose names parse, so this is a broken invariant, not input.
	if (isFileNameError(name)) throw new Error(`${key}: ${name.error}`);
	return name;
}
