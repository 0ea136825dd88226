import { hex } from "../../../core/encoding";
import type { PairStore } from "../../../core/graph/store";
import { TAB_TEMPLATE } from "../template/defaults";
import { type Cursor, type ListingReads, linePages } from "./lines";
import { outboundKey } from "./naming";
import { headerOf, type RunPlan, runTemplateOf } from "./plan";
import type { RunFile } from "./schema";
import { takeLines } from "./take-lines";
import { NO_UPLOAD, ResumableUpload, type UploadState } from "./upload";

/** One data file of a run, as its steps hand it on: plain data, persisted by Workflows between steps. */
export interface FileTask {
	sequence: number;
	/** Decided before the file's first step (the plan's windows, or the split check of an iter run). */
	name: string;
	/** Where this step's lines start. */
	from: Cursor;
	/** The last partner ID of the file's window (full runs); null: to the listing's end. */
	through: string | null;
	/** The most lines the file holds (iter runs split by lines); null: no limit. */
	maxLines: number | null;
	/** Lines written by the file's earlier steps. */
	lines: number;
	/** Partner IDs its earlier steps left out (unwritable in the layout); absent in tasks made before the count. */
	unwritableIds?: number;
	/** Steps the file has taken so far. */
	steps: number;
	upload: UploadState;
}

export function newFileTask(
	sequence: number,
	name: string,
	from: Cursor,
	bounds: { through: string | null; maxLines: number | null },
): FileTask {
	return { sequence, name, from, ...bounds, lines: 0, unwritableIds: 0, steps: 0, upload: NO_UPLOAD };
}

export type FileStep =
	| { done: false; task: FileTask }
	/** `next`: where the listing goes on after this file (null when nothing is left). */
	| { done: true; lines: number; unwritableIds: number; next: Cursor | null };

/**
 * One step of a data file's text: up to `reads.pages` listing pages (each a round of shard calls) appended to
 * the file's work object under `work/outbound/<run>/` (the partner sees nothing until it is sealed). A
 * file that is not done hands on its task; a retried step starts again from its task, so it writes the
 * same bytes into the same parts.
 */
export async function writeFileStep(
	graph: PairStore,
	bucket: R2Bucket,
	plan: RunPlan,
	task: FileTask,
	reads: ListingReads,
): Promise<FileStep> {
	const upload = await ResumableUpload.resume(bucket, workKey(plan.runId, task.sequence), {}, task.upload);
	const room = task.maxLines === null ? null : task.maxLines - task.lines;
	const listing = linePages(graph, plan.scope, runTemplateOf(plan), task.from, reads.pageIds, task.through);
	const taken = takeLines(listing, task.from, { room, pages: reads.pages });
	try {
		// A file's header goes first, written by its first step (a retry of that step writes it again, alike).
		const header = task.steps === 0 ? headerOf(plan) : "";
		if (header !== "") await upload.write(new TextEncoder().encode(header));
		for await (const chunk of textStream(taken.text).pipeThrough(new TextEncoderStream())) await upload.write(chunk);
		const lines = task.lines + taken.state.lines;
		const unwritableIds = (task.unwritableIds ?? 0) + taken.state.unwritableIds;
		if (!taken.state.fileDone) {
			const state = await upload.pause(restKey(plan.runId, task.sequence, task.steps + 1));
			const from = taken.state.next ?? task.from;
			return { done: false, task: { ...task, from, lines, unwritableIds, steps: task.steps + 1, upload: state } };
		}
		await upload.close();
		return { done: true, lines, unwritableIds, next: taken.state.next };
	} catch (err) {
		await upload.abandon(task.upload);
		throw err;
	}
}

/**
 * Step: the file's text, complete, streamed once into the partner's `outbound/<dpid>/` under its name,
 * gzip when configured (one gzip member, as every reader expects), with the MD5 of the bytes as written.
 */
export async function sealFile(
	bucket: R2Bucket,
	plan: RunPlan,
	file: { sequence: number; name: string; lines: number; unwritableIds: number },
): Promise<RunFile> {
	const text = await bucket.get(workKey(plan.runId, file.sequence));
	if (!text) throw new Error(`the text of ${file.name} is missing`);
	const contentType = plan.naming.gzip ? "application/gzip" : plainType(plan);
	const key = outboundKey(plan.naming.dpid, file.name);
	const upload = await ResumableUpload.resume(bucket, key, { httpMetadata: { contentType } }, NO_UPLOAD);
	const digest = new crypto.DigestStream("MD5");
	const digestWriter = digest.getWriter();
	try {
		const bytes = plan.naming.gzip ? text.body.pipeThrough(new CompressionStream("gzip")) : text.body;
		for await (const chunk of bytes) {
			await digestWriter.write(chunk);
			await upload.write(chunk);
		}
		await digestWriter.close();
		await upload.close();
	} catch (err) {
		await upload.abandon(NO_UPLOAD);
		throw err;
	}
	const md5 = hex(new Uint8Array(await digest.digest));
	const { name, sequence, lines, unwritableIds } = file;
	return { name, sequence, bytes: upload.bytes, lines, md5, unwritableIds };
}

/** The TAB layout stays `text/tab-separated-values`, as before templates; any other template is text. */
function plainType(plan: RunPlan): string {
	const tabs = runTemplateOf(plan).source === TAB_TEMPLATE;
	return tabs ? "text/tab-separated-values; charset=utf-8" : "text/plain; charset=utf-8";
}

/** Step: forgets a run's work objects (the files' text and the rests between steps). */
export async function deleteWork(bucket: R2Bucket, runId: string): Promise<void> {
	for (;;) {
		const listed = await bucket.list({ prefix: workPrefix(runId) });
		if (listed.objects.length === 0) return;
		await bucket.delete(listed.objects.map((o) => o.key));
		if (!listed.truncated) return;
	}
}

/** A run's own objects, under the edge's `work/` (batch/exchange-layout.ts). */
function workPrefix(runId: string): string {
	return `work/outbound/${runId}/`;
}

function workKey(runId: string, sequence: number): string {
	return `${workPrefix(runId)}${String(sequence).padStart(6, "0")}.tsv`;
}

/** Where a file's bytes after its last full part wait between steps, named per step (retries read their own). */
function restKey(runId: string, sequence: number, step: number): string {
	return `${workPrefix(runId)}${String(sequence).padStart(6, "0")}-${String(step).padStart(6, "0")}.rest`;
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
