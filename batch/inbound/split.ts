import { settingsOf } from "../../core/config/settings";
import { getPartner } from "../../core/partners/store";
import { chunkKey } from "./delivery";
import {
	addSample,
	countSignalsOverCap,
	countSkippedLine,
	emptyTally,
	type FileCutOutcome,
	type InboundFileName,
	isFileNameError,
	noteFileCut,
	noteFileError,
	parseInboundFile,
	parseInboundFileName,
	SAMPLE_CHARS,
	type Tally,
} from "./parse";
import { loadDelivery } from "./store";

/** Lines per chunk: one chunk is one Workflow step and one D1 transaction (≈ 20 statements). */
export const LINES_PER_CHUNK = 5_000;
/** …or fewer when lines are long: a chunk object stays small enough to read in one go. */
const CHUNK_BYTES = 4 * 1024 * 1024;

export interface SplitResult {
	chunks: number;
	tally: Tally;
}

/**
 * Step: streams every part of a delivery through the parser and writes the good lines to R2 as chunk
 * objects (NDJSON), counting the lines that fail on their own (format errors, invalid IDs). Memory is
 * one chunk at most, whatever the file size. Deterministic, so a retry rewrites the same chunks.
 */
export async function splitDelivery(env: Env, deliveryId: string): Promise<SplitResult> {
	const delivery = await loadDelivery(env.DB, deliveryId);
	const partner = await getPartner(env.DB, delivery.dpid);
	if (!partner) throw new Error(`partner ${delivery.dpid} of delivery ${deliveryId} no longer exists`);
	const { inboundMaxSignalsPerLine, inboundMaxFileBytes } = settingsOf(env);
	const tally = emptyTally();
	const c = tally.counts;
	let chunks = 0;
	let buffer: string[] = [];
	let bytes = 0;
	const flush = async () => {
		if (buffer.length === 0) return;
		await env.EXCHANGE.put(chunkKey(deliveryId, chunks++), buffer.join("\n"));
		buffer = [];
		bytes = 0;
	};

	let nextLine = 1;
	for (const key of delivery.files) {
		const name = nameOf(key);
		const object = await env.EXCHANGE.get(key);
		if (!object) throw new Error(`${key} disappeared before it was read`);
		for await (const outcome of parseInboundFile(object.body, {
			name,
			idType: partner.inboundIdType,
			firstLine: nextLine,
			maxSignalsPerLine: inboundMaxSignalsPerLine,
			maxFileBytes: inboundMaxFileBytes,
		})) {
			if (outcome.type === "file_error") {
				// The lines before the damage count; the damaged remainder is one format error.
				noteFileError(tally, outcome);
				c.formatErrors++;
				addSample(tally, "formatErrors", { line: outcome.afterLine + 1, why: `${name.name}: ${outcome.message}` });
				nextLine = outcome.afterLine + 1;
				continue;
			}
			if (outcome.type === "file_cut") {
				// Not a format error: the lines read are counted as usual, the rest of the file is not read.
				noteFileCut(tally, outcome);
				c.filesCut++;
				addSample(tally, "filesCut", { line: outcome.afterLine + 1, why: cutWhy(name, object.size, outcome) });
				nextLine = outcome.afterLine + 1;
				continue;
			}
			nextLine = outcome.line + 1;
			if (outcome.type === "format_error" || outcome.type === "invalid_id") {
				countSkippedLine(tally, outcome);
				continue;
			}
			// Records and ID pairs go on to the chunk steps, which count them.
			if (outcome.type === "record") countSignalsOverCap(tally, outcome);
			const text = outcome.text.slice(0, SAMPLE_CHARS);
			const json =
				outcome.type === "record"
					? JSON.stringify({ n: outcome.line, u: outcome.userId, s: outcome.signals, t: text })
					: JSON.stringify({ n: outcome.line, ids: outcome.ids, t: text });
			buffer.push(json);
			bytes += json.length;
			if (buffer.length >= LINES_PER_CHUNK || bytes >= CHUNK_BYTES) await flush();
		}
	}
	await flush();
	return { chunks, tally };
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
