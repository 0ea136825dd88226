// The tag's size as every site pays for it, shared by the build (which enforces the budget) and the
// benchmark table.
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** Every site pays for these bytes on every first page view; js-cookie is included. */
export const GZIP_BUDGET = 2048;

export function tagSizes(bytes: Uint8Array): { minified: number; gzip: number; brotli: number } {
	return {
		minified: bytes.length,
		gzip: gzipSync(bytes, { level: 9 }).length,
		brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
	};
}
