import { hex } from "../../../core/encoding";
import type { PairStore } from "../../../core/graph/store";
import { type Cursor, lineBound, linePages, type Page, START } from "./lines";
import { dataFileName, outboundKey } from "./naming";
import type { RunPlan } from "./plan";
import { R2Sink } from "./r2-sink";
import type { RunFile } from "./schema";

/**
 * Whether the run needs more than one file (and so SPLITNUM names), decided before the first byte is
 * written. A bound counted where the graph is settles it for every run that clearly fits one file; only a run
 * that may not fit is counted exactly, and then only up to one line past the split size.
 */
export async function needsSplit(graph: PairStore, plan: RunPlan): Promise<boolean> {
	if ((await lineBound(graph, plan.scope)) <= plan.splitLines) return false;
	let lines = 0;
	for await (const page of linePages(graph, plan.scope, START)) {
		lines += page.entries.length;
		if (lines > plan.splitLines) return true;
	}
	return false;
}

/**
 * Streams the file with this sequence number into R2 `outbound/<dpid>/`: at most `maxLines` lines
 * (null = all the rest) from `from`, gzip when configured, MD5 of the bytes as written. Returns the
 * entry and where the next file starts (null when nothing is left).
 */
export async function writeDataFile(
	graph: PairStore,
	bucket: R2Bucket,
	plan: RunPlan,
	file: { sequence: number; split: boolean; from: Cursor; maxLines: number | null },
): Promise<{ entry: RunFile; next: Cursor | null }> {
	const name = dataFileName(plan.naming, file.sequence, file.split);
	const contentType = plan.naming.gzip ? "application/gzip" : "text/tab-separated-values; charset=utf-8";
	const sink = new R2Sink(bucket, outboundKey(plan.naming.dpid, name), { contentType });
	const taken = takeLines(linePages(graph, plan.scope, file.from), file.maxLines);
	try {
		const encoded = textStream(taken.text).pipeThrough(new TextEncoderStream());
		const bytes = plan.naming.gzip ? encoded.pipeThrough(new CompressionStream("gzip")) : encoded;
		const digest = new crypto.DigestStream("MD5");
		const digestWriter = digest.getWriter();
		for await (const chunk of bytes) {
			await digestWriter.write(chunk);
			await sink.write(chunk);
		}
		await digestWriter.close();
		await sink.close();
		const md5 = hex(new Uint8Array(await digest.digest));
		const entry = { name, sequence: file.sequence, bytes: sink.bytes, lines: taken.state.lines, md5 };
		return { entry, next: taken.state.next };
	} catch (err) {
		await sink.abort();
		throw err;
	}
}

interface TakeState {
	lines: number;
	next: Cursor | null;
}

/** Text of up to `max` lines, one string per page; `state` says how many and where the rest starts. */
function takeLines(
	pages: AsyncGenerator<Page>,
	max: number | null,
): { text: AsyncGenerator<string>; state: TakeState } {
	const state: TakeState = { lines: 0, next: null };
	async function* text(): AsyncGenerator<string> {
		let written: Cursor | null = null;
		for await (const page of pages) {
			const room = max === null ? page.entries.length : max - state.lines;
			if (room <= 0) {
				// The file is full and this page proves more lines follow: the next file starts after the
				// last line written (or at the start of this page's phase if that line was of another one).
				state.next = written?.phase === page.phase ? written : { phase: page.phase, after: "" };
				return;
			}
			const taken = page.entries.slice(0, room);
			state.lines += taken.length;
			written = { phase: page.phase, after: taken[taken.length - 1]?.dpuuid ?? "" };
			yield `${taken.map((e) => e.line).join("\n")}\n`;
			if (taken.length < page.entries.length) {
				state.next = written;
				return;
			}
		}
	}
	return { text: text(), state };
}

function textStream(text: AsyncGenerator<string>): ReadableStream<string> {
	return new ReadableStream<string>({
		async pull(controller) {
			const { value, done } = await text.next();
			if (done) controller.close();
			else controller.enqueue(value);
		},
		async cancel() {
			await text.return(undefined);
		},
	});
}
