import type { ToolHost } from "./host";

/**
 * What an upload in parts has done so far, written after every part: run the same command again after
 * an interruption and only the parts missing are sent. One small JSON file per file name in the state
 * directory; removed once the upload completes. It holds the upload id (useless without the partner
 * key) and the parts' ETags, nothing of the file's content.
 */
export interface UploadState {
	/** The edge, the file and the part size it was begun with: any change starts a new upload. */
	origin: string;
	name: string;
	size: number;
	modifiedMs: number;
	partBytes: number;
	uploadId: string;
	/** ETag of each part sent, by part number. */
	parts: Record<string, string>;
}

export function statePath(dir: string, name: string): string {
	return `${dir.replace(/\/+$/, "")}/${name}.upload.json`;
}

export async function readState(tools: ToolHost, path: string): Promise<UploadState | null> {
	const text = await tools.readText(path);
	if (text === null) return null;
	try {
		const state = JSON.parse(text) as Partial<UploadState>;
		const complete =
			typeof state.origin === "string" &&
			typeof state.name === "string" &&
			typeof state.size === "number" &&
			typeof state.modifiedMs === "number" &&
			typeof state.partBytes === "number" &&
			typeof state.uploadId === "string" &&
			typeof state.parts === "object" &&
			state.parts !== null;
		return complete ? (state as UploadState) : null;
	} catch {
		return null; // a damaged state file means starting over, not failing
	}
}

/** The state of `file` if it describes this very upload (same edge, file, size, time and part size). */
export function sameUpload(state: UploadState | null, wanted: Omit<UploadState, "uploadId" | "parts">): boolean {
	return (
		state !== null &&
		state.origin === wanted.origin &&
		state.name === wanted.name &&
		state.size === wanted.size &&
		state.modifiedMs === wanted.modifiedMs &&
		state.partBytes === wanted.partBytes
	);
}
