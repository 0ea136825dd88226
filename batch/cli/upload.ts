import { UPLOAD_PARTS } from "../../core/inbound-limits";
import type { InboundIdType } from "../inbound/parse";
import { CliFailure, type EdgeClient, EXIT } from "./edge-client";
import type { CliHost, LocalFile, ToolHost } from "./host";
import { progress } from "./progress";
import { renderText } from "./render";
import { readState, sameUpload, statePath, type UploadState } from "./upload-state";
import { validateFile } from "./validate";

export interface UploadOptions {
	edge: EdgeClient;
	partBytes: number;
	stateDir: string;
	/** Upload even when validation finds lines the edge would skip (never a bad name). */
	force: boolean;
	idType: InboundIdType;
}

/** Validates one file, then sends it whole (up to one part's size) or in parts, resuming a begun upload. */
export async function uploadFile(host: CliHost, tools: ToolHost, path: string, options: UploadOptions): Promise<void> {
	const validation = await validateFile(path, host.open, { idType: options.idType });
	const name = validation.file;
	// An encrypted file's content cannot be checked without the operator's key: its name was.
	const unreadable = validation.encryptedTo !== null && validation.nameError === null;
	if (validation.exitCode !== 0 && !unreadable) {
		host.err(renderText(validation));
		if (validation.exitCode === 2 || !options.force) {
			const hint = validation.exitCode === 1 ? " (--force uploads it anyway)" : "";
			throw new CliFailure(`${name}: not uploaded, it does not validate${hint}`, validation.exitCode);
		}
	}
	const file = await tools.openFile(path).catch((err: unknown) => {
		throw new CliFailure(`${path}: ${err instanceof Error ? err.message : String(err)}`, EXIT.refused);
	});
	const stored =
		file.size <= options.partBytes
			? await sendWhole(host, tools, name, file, options)
			: await sendInParts(host, tools, name, file, options);
	host.out(`${name}: uploaded to ${stored.key} (${stored.size} bytes)\n`);
}

async function sendWhole(host: CliHost, tools: ToolHost, name: string, file: LocalFile, options: UploadOptions) {
	const bar = progress(name, file.size, { ...tools, out: host.out });
	const res = await options.edge.call(`/exchange/inbound/${encodeURIComponent(name)}`, {
		method: "PUT",
		body: file.slice(0, file.size),
	});
	bar.update(file.size, "sent whole");
	bar.finish();
	return (await res.json()) as { key: string; size: number };
}

async function sendInParts(host: CliHost, tools: ToolHost, name: string, file: LocalFile, options: UploadOptions) {
	const { edge } = options;
	const path = statePath(options.stateDir, name);
	const wanted = {
		origin: edge.origin,
		name,
		size: file.size,
		modifiedMs: file.modifiedMs,
		partBytes: options.partBytes,
	};
	const saved = await readState(tools, path);
	let state: UploadState;
	if (saved && sameUpload(saved, wanted)) {
		state = saved;
		host.out(`${name}: resuming, ${Object.keys(state.parts).length} of ${partCount(file, state)} parts already sent\n`);
	} else {
		checkPartSize(options.partBytes, file.size);
		if (saved) await abandon(edge, saved);
		const begun = (await (await edge.call(uploadPath(name), { method: "POST" })).json()) as { uploadId: string };
		state = { ...wanted, uploadId: begun.uploadId, parts: {} };
		await tools.writeText(path, JSON.stringify(state));
	}
	const total = partCount(file, state);
	const bar = progress(name, file.size, { ...tools, out: host.out });
	for (let part = 1; part <= total; part++) {
		if (state.parts[part]) continue;
		const start = (part - 1) * state.partBytes;
		const body = file.slice(start, Math.min(start + state.partBytes, file.size));
		const res = await edge.call(`${uploadPath(name)}?${query(state.uploadId, part)}`, { method: "PUT", body }, [404]);
		if (res.status === 404) {
			await tools.remove(path);
			throw new CliFailure(
				`${name}: the edge no longer has this upload (aborted or expired); run again to start over`,
				EXIT.refused,
			);
		}
		state.parts[part] = ((await res.json()) as { etag: string }).etag;
		await tools.writeText(path, JSON.stringify(state));
		bar.update(sentBytes(state, file.size), `part ${part} of ${total} sent`);
	}
	bar.finish();
	const parts = Object.entries(state.parts).map(([part, etag]) => ({ part: Number(part), etag }));
	const res = await edge
		.call(
			`${uploadPath(name)}/complete?uploadId=${encodeURIComponent(state.uploadId)}`,
			{ method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ parts }) },
			[409],
		)
		.catch(async (err: unknown) => {
			// Parts the edge will not join are no use again: the next run starts over. A failure to reach
			// the edge (exit 5) keeps the state, and the next run completes the same parts.
			if (err instanceof CliFailure && err.exitCode === EXIT.refused) await tools.remove(path);
			throw err;
		});
	await tools.remove(path);
	if (res.status === 409) throw new CliFailure(`${name}: was already uploaded (the edge answered 409)`, EXIT.refused);
	return (await res.json()) as { key: string; size: number };
}

const uploadPath = (name: string) => `/exchange/uploads/${encodeURIComponent(name)}`;
const query = (uploadId: string, part: number) => `uploadId=${encodeURIComponent(uploadId)}&part=${part}`;
const partCount = (file: LocalFile, state: UploadState) => Math.ceil(file.size / state.partBytes);

function sentBytes(state: UploadState, size: number): number {
	return Object.keys(state.parts).reduce(
		(n, p) => n + Math.min(state.partBytes, size - (Number(p) - 1) * state.partBytes),
		0,
	);
}

/** The edge's bounds (core/inbound-limits.ts), checked before anything is begun. */
function checkPartSize(partBytes: number, size: number): void {
	if (size > UPLOAD_PARTS.maxFileBytes) {
		throw new CliFailure(`larger than the edge's ${UPLOAD_PARTS.maxFileBytes} bytes: split the file`, EXIT.refused);
	}
	if (Math.ceil(size / partBytes) > UPLOAD_PARTS.maxParts) {
		throw new CliFailure(
			`needs more than ${UPLOAD_PARTS.maxParts} parts of ${partBytes} bytes: give a larger --part-size`,
			EXIT.refused,
		);
	}
}

/** Drops an upload begun for an earlier version of the file; it may already be gone. */
async function abandon(edge: EdgeClient, state: UploadState): Promise<void> {
	await edge
		.call(`${uploadPath(state.name)}?uploadId=${encodeURIComponent(state.uploadId)}`, { method: "DELETE" }, [404])
		.catch(() => undefined);
}
