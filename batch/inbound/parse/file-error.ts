/**
 * Why a file could not be read to its end. For a plain or gzip file, the lines read before the failure
 * still count; an encrypted file (`.pgp`/`.gpg`) is refused whole (see FileErrorOutcome.refused).
 * - `not_gzip`, `unexpected_gzip`, `gzip_invalid`: the gzip layer (content.ts);
 * - `read_failed`: the source failed mid-read;
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
	| "read_failed"
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
