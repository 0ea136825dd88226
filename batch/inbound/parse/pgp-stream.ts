import { InboundFileError, SourceReadError } from "./file-error";

// The byte streams PGP decryption reads (pgp.ts and its inflater, pgp-inflate.ts), and the file's own
// source as every layer reads it: kept apart so all use one version without importing each other.

/**
 * `head`, then the rest of `reader`, as one stream read as its consumer asks. `read` reads the file
 * itself by default (its failures are SourceReadErrors); inside openpgp.js's streams their own errors
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

/**
 * A source that fails mid-read is a SourceReadError, whatever layer reads it; an InboundFileError (the
 * decrypted stream's own) passes as it is.
 */
export async function readSource(
	reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadableStreamReadResult<Uint8Array>> {
	try {
		return await reader.read();
	} catch (err) {
		if (err instanceof InboundFileError || err instanceof SourceReadError) throw err;
		throw new SourceReadError(err);
	}
}

/** A file's source, and how it failed, if it did. */
export interface WatchedSource {
	body: ReadableStream<Uint8Array>;
	/** The first failed read of the source itself, or null. */
	failure(): SourceReadError | null;
}

/**
 * `body` as it is, with its failed reads recorded: whatever a layer above makes of such a failure
 * (openpgp.js may wrap it, or end its stream as if the message were truncated), the parser knows the
 * source failed, not the file. Reads only as its consumer asks, like the body.
 */
export function watchSource(body: ReadableStream<Uint8Array>): WatchedSource {
	const reader = body.getReader();
	let failure: SourceReadError | null = null;
	const watched = new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				let r: ReadableStreamReadResult<Uint8Array>;
				try {
					r = await reader.read();
				} catch (err) {
					failure ??= new SourceReadError(err);
					throw failure;
				}
				if (r.done) controller.close();
				else controller.enqueue(r.value);
			},
			async cancel(reason) {
				await reader.cancel(reason).catch(() => undefined);
			},
		},
		{ highWaterMark: 0 },
	);
	return { body: watched, failure: () => failure };
}
