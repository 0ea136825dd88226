/**
 * R2 has no rename and the Workers binding no server-side copy: an object is moved by streaming it into
 * its new key and deleting the old one. Memory stays flat whatever the size (streams, never buffers).
 * Objects up to `partBytes` take one put; larger ones a multipart upload of ranged reads (a single put
 * stops at 5 GiB; inbound files uploaded with the S3 API can be larger).
 */
export const COPY_PART_BYTES = 1024 * 1024 * 1024;

export type MoveOutcome = "moved" | "gone";

/**
 * Moves `from` to `to`. Retry-safe: a source that is already gone was moved by an earlier attempt.
 * The old key is deleted only if it still holds the version that was copied, so a file uploaded again
 * under the same name in the meantime stays where it is (discovery then sees it as a second upload).
 */
export async function moveObject(
	bucket: R2Bucket,
	from: string,
	to: string,
	partBytes = COPY_PART_BYTES,
): Promise<MoveOutcome> {
	const source = await bucket.head(from);
	if (!source) return "gone";
	await copyObject(bucket, source, to, partBytes);
	const now = await bucket.head(from);
	if (now?.etag === source.etag) await bucket.delete(from);
	return "moved";
}

async function copyObject(bucket: R2Bucket, source: R2Object, to: string, partBytes: number): Promise<void> {
	const options = { httpMetadata: source.httpMetadata, customMetadata: source.customMetadata };
	if (source.size <= partBytes) {
		await bucket.put(to, await bodyOf(bucket, source), options);
		return;
	}
	const upload = await bucket.createMultipartUpload(to, options);
	try {
		const parts: R2UploadedPart[] = [];
		for (let offset = 0; offset < source.size; offset += partBytes) {
			const length = Math.min(partBytes, source.size - offset);
			parts.push(await upload.uploadPart(parts.length + 1, await bodyOf(bucket, source, { offset, length })));
		}
		await upload.complete(parts);
	} catch (err) {
		await upload.abort();
		throw err;
	}
}

/** The source's bytes (or a range of them), refusing a version other than the one being copied. */
async function bodyOf(bucket: R2Bucket, source: R2Object, range?: { offset: number; length: number }) {
	const object = await bucket.get(source.key, { range, onlyIf: { etagMatches: source.etag } });
	if (!object || !("body" in object)) throw new Error(`${source.key} changed while it was being moved`);
	return object.body;
}
