// R2 multipart parts must be at least 5 MiB, and all but the last the same size.
const PART_BYTES = 5 * 1024 * 1024;

/**
 * Writes a stream of unknown length to one R2 object with a fixed 5 MiB buffer: small objects in one
 * put, large ones as a multipart upload, part by part. Memory stays one part whatever the size.
 */
export class R2Sink {
	#buffer = new Uint8Array(PART_BYTES);
	#filled = 0;
	#upload: R2MultipartUpload | null = null;
	#parts: R2UploadedPart[] = [];
	bytes = 0;

	constructor(
		private readonly bucket: R2Bucket,
		private readonly key: string,
		private readonly httpMetadata: R2HTTPMetadata,
	) {}

	async write(chunk: Uint8Array): Promise<void> {
		this.bytes += chunk.byteLength;
		let offset = 0;
		while (offset < chunk.byteLength) {
			const take = Math.min(PART_BYTES - this.#filled, chunk.byteLength - offset);
			this.#buffer.set(chunk.subarray(offset, offset + take), this.#filled);
			this.#filled += take;
			offset += take;
			if (this.#filled === PART_BYTES) await this.#flushPart();
		}
	}

	async close(): Promise<void> {
		const rest = this.#buffer.subarray(0, this.#filled);
		if (!this.#upload) {
			await this.bucket.put(this.key, rest, { httpMetadata: this.httpMetadata });
			return;
		}
		if (this.#filled > 0) await this.#flushPart();
		await this.#upload.complete(this.#parts);
	}

	/** Frees the parts of an unfinished upload (a retried step starts a new one). */
	async abort(): Promise<void> {
		await this.#upload?.abort().catch(() => undefined);
	}

	async #flushPart(): Promise<void> {
		this.#upload ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: this.httpMetadata });
		const part = await this.#upload.uploadPart(this.#parts.length + 1, this.#buffer.subarray(0, this.#filled));
		this.#parts.push(part);
		this.#filled = 0;
	}
}
