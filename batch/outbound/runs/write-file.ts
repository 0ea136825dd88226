import type { Cursor, Page } from "./lines";
import { linePages } from "./lines";
import { dataFileName, outboundKey } from "./naming";
import type { RunPlan } from "./plan";
import { R2Sink } from "./r2-sink";

/** One data file as the .info control file lists it. */
export interface FileEntry {
	name: string;
	sequence: number;
	bytes: number;
	lines: number;
	md5: string;
}

/** Counts a run's lines without writing them: decides whether the output is split (and so its names). */
export async function countLines(db: D1Database, plan: RunPlan, from: Cursor): Promise<number> {
	let lines = 0;
	for await (const page of linePages(db, plan.scope, from)) lines += page.entries.length;
	return lines;
}

/**
 * Streams the file with this sequence number into R2 `outbound/<dpid>/`: at most `maxLines` lines
 * (null = all the rest) from `from`, gzip when configured, MD5 of the bytes as written. Returns the
 * entry and where the next file starts (null when nothing is left).
 */
export async function writeDataFile(
	db: D1Database,
	bucket: R2Bucket,
	plan: RunPlan,
	file: { sequence: number; split: boolean; from: Cursor; maxLines: number | null },
): Promise<{ entry: FileEntry; next: Cursor | null }> {
	const name = dataFileName(plan.naming, file.sequence, file.split);
	const contentType = plan.naming.gzip ? "application/gzip" : "text/tab-separated-values; charset=utf-8";
	const sink = new R2Sink(bucket, outboundKey(plan.naming.dpid, name), { contentType });
	const taken = takeLines(linePages(db, plan.scope, file.from), file.maxLines);
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
		const md5 = [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
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
