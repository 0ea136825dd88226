import { InboundFileError } from "./file-error";

// The byte streams PGP decryption reads (pgp.ts and its inflater, pgp-inflate.ts): kept apart so both
// use one version without importing each other.

/**
 * `head`, then the rest of `reader`, as one stream read as its consumer asks. `read` reads the file
 * itself by default (its failures are `read_failed`); inside openpgp.js's streams their own errors
 * (a truncated message) must pass as they are.
 */
export function prepend(
	head: Uint8Array,
	reader: ReadableStreamDefaultReader<Uint8Array>,
	ended: boolean,
	read: typeof readSource = readSource,
): ReadableStream<Uint8Array> {
	let first: Uint8Array | null = head.length > 0 ? head : null;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				if (first) {
					controller.enqueue(first);
					first = null;
					return;
				}
				const r = ended ? { done: true as const } : await read(reader);
				if (r.done) controller.close();
				else controller.enqueue(r.value);
			},
			async cancel(reason) {
				await reader.cancel(reason).catch(() => undefined);
			},
		},
		{ highWaterMark: 0 },
	);
}

/** A source that fails mid-read is `read_failed`, whatever layer reads it. */
export async function readSource(
	reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadableStreamReadResult<Uint8Array>> {
	try {
		return await reader.read();
	} catch (err) {
		if (err instanceof InboundFileError) throw err;
		throw new InboundFileError("read_failed", `reading the file failed: ${messageOf(err)}`);
	}
}

function messageOf(err: unknown): string {
	return err instanceof Error ? err.message : String(err);
}
