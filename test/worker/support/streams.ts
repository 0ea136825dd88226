/** A body over `bytes` in `chunkSize`-byte chunks, each made when the reader asks. */
export function streamOf(bytes: Uint8Array, chunkSize = 64 * 1024): ReadableStream<Uint8Array> {
	let at = 0;
	return new ReadableStream({
		pull(controller) {
			if (at >= bytes.length) return controller.close();
			controller.enqueue(bytes.slice(at, at + chunkSize));
			at += chunkSize;
		},
	});
}
