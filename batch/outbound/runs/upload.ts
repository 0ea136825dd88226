// R2 multipart parts must be at least 5 MiB, and all but the last the same size.
export const PART_BYTES = 5 * 1024 * 1024;

/**
 * Where one file's upload stands between two Workflow steps: its multipart upload, the parts already
 * uploaded, and the bytes written after the last full part, held in a small object of their own (a step
 * result is limited to 1 MiB; a part is 5 MiB). Plain data, so Workflows can persist it.
 */
export interface UploadState {
	uploadId: string | null;
	parts: R2UploadedPart[];
	/** The file's bytes so far, the held rest included. */
	bytes: number;
	/** The object holding the rest; null when there is none. */
	rest: string | null;
}
export const NO_UPLOAD: UploadState = { uploadId: null, parts: [], bytes: 0, rest: null };

/**
 * Writes a stream of unknown length to one R2 object over as many steps as it takes, with a fixed 5 MiB
 * buffer: a step ends with `pause` (the rest goes to its own object, named per step so a retried step
 * reads the rest it started from), the last with `close` (one put for a small object, else the last part
 * and the upload's completion). Memory stays one part whatever the size.
 */
export class ResumableUpload {
	#buffer = new Uint8Array(PART_BYTES);
	#filled = 0;
	#upload: R2MultipartUpload | null;
	#parts: R2UploadedPart[];
	readonly bucket: R2Bucket;
	readonly key: string;
	readonly options: R2MultipartOptions;
	bytes: number;

	private constructor(bucket: R2Bucket, key: string, options: R2MultipartOptions, state: UploadState) {
		this.bucket = bucket;
		this.key = key;
		this.options = options;
		this.#upload = state.uploadId === null ? null : bucket.resumeMultipartUpload(key, state.uploadId);
		this.#parts = [...state.parts];
		this.bytes = state.bytes;
	}

	static async resume(
		bucket: R2Bucket,
		key: string,
		options: R2MultipartOptions,
		state: UploadState,
	): Promise<ResumableUpload> {
		const upload = new ResumableUpload(bucket, key, options, state);
		if (state.rest !== null) {
			const rest = await bucket.get(state.rest);
			if (!rest) throw new Error(`the rest of ${key} (${state.rest}) is missing`);
			const bytes = new Uint8Array(await rest.arrayBuffer());
			upload.#buffer.set(bytes);
			upload.#filled = bytes.byteLength;
		}
		return upload;
	}

	async write(chunk: Uint8Array): Promise<void> {
		this.bytes += chunk.byteLength;
		let offset = 0;
		while (offset < chunk.byteLength) {
			const take = Math.min(PART_BYTES - this.#filled, chunk.byteLength - offset);
			this.#buffer.set(chunk.subarray(offset, offset + take), this.#filled);
			this.#filled += take;
			offset += take;
			if (this.#filled === PART_BYTES) await this.#uploadPart();
		}
	}

	/** Ends this step's share: the rest is kept in `restKey` for the next step. */
	async pause(restKey: string): Promise<UploadState> {
		const rest = this.#filled > 0 ? restKey : null;
		if (rest !== null) await this.bucket.put(rest, this.#buffer.subarray(0, this.#filled));
		return { uploadId: this.#upload?.uploadId ?? null, parts: this.#parts, bytes: this.bytes, rest };
	}

	/** A step that fails frees the upload it started (a later step resumes only one it was handed). */
	async abandon(started: UploadState): Promise<void> {
		if (started.uploadId === null) await this.#upload?.abort().catch(() => undefined);
	}

	async close(): Promise<void> {
		if (!this.#upload) {
			await this.bucket.put(this.key, this.#buffer.subarray(0, this.#filled), this.options);
			return;
		}
		if (this.#filled > 0) await this.#uploadPart();
		await this.#upload.complete(this.#parts);
	}

	async #uploadPart(): Promise<void> {
		this.#upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
		const part = await this.#upload.uploadPart(this.#parts.length + 1, this.#buffer.subarray(0, this.#filled));
		this.#parts.push(part);
		this.#filled = 0;
	}
}
