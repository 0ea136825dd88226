/** `bytes` as a stream of 64 KiB chunks, as R2 hands a Worker an object's body. */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
	let at = 0;
	return new ReadableStream({
		pull(controller) {
			if (at >= bytes.length) return controller.close();
			controller.enqueue(bytes.subarray(at, at + 65_536));
			at += 65_536;
		},
	});
}
