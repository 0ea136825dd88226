/**
 * Why a file could not be read to its end. For a plain or gzip file, the lines read before the failure
 * still count; an encrypted file (`.pgp`/`.gpg`) is refused whole (see FileErrorOutcome.refused).
 * - `not_gzip`, `unexpected_gzip`, `gzip_invalid`: the gzip layer (content.ts);
 * - `gzip_members`, `gzip_overhead`: a gzip file whose compressed bytes cost more than their content
 *   justifies (core/inbound-limits.ts GZIP_LIMITS);
 * - `unexpected_pgp`: OpenPGP content under a name without `.pgp`/`.gpg`;
 * - `not_pgp`: a `.pgp`/`.gpg` name whose content is not an encrypted OpenPGP message;
 * - `pgp_no_key`, `pgp_key`: the edge has no private key, or cannot use the one it has;
 * - `pgp_wrong_key`: encrypted to another key (or with a passphrase only);
 * - `pgp_damaged`: decryption or its integrity check failed (tampered, truncated, corrupt);
 * - `gzip_in_pgp`: the decrypted content is gzip, which AAM refuses inside PGP;
 * - `pgp_over_cap`: an encrypted file past the size cap, whose integrity the edge therefore never checks.
 */
export type FileErrorCode =
	| "not_gzip"
	| "unexpected_gzip"
	| "gzip_invalid"
	| "gzip_members"
	| "gzip_overhead"
	| "unexpected_pgp"
	| "not_pgp"
	| "pgp_no_key"
	| "pgp_key"
	| "pgp_wrong_key"
	| "pgp_damaged"
	| "gzip_in_pgp"
	| "pgp_over_cap";

export class InboundFileError extends Error {
	readonly code: FileErrorCode;

	constructor(code: FileErrorCode, message: string) {
		super(message);
		this.name = "InboundFileError";
		this.code = code;
	}
}

/**
 * The source itself failed mid-read (R2 or the network, a local disk for the CLI): nothing is known
 * about the bytes not read, so this is never a file error. It is thrown, not reported: the split step
 * fails and the Workflow retries it (the step is deterministic and rewrites the same pieces), where a
 * file error would count the unread rest as one format error and drop it.
 */
export class SourceReadError extends Error {
	constructor(cause: unknown) {
		super(`reading the file failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
		this.name = "SourceReadError";
	}
}
