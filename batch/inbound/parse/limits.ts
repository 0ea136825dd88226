/**
 * The operator's caps on what one inbound file may cost (README "Configuration reference"). The
 * parser takes them as options; these defaults serve the vendor CLI and any caller that sets none.
 *
 * Signals per line: AAM sets no limit of its own, only the 100 KB line, which holds 51,200 one-digit
 * signals (`1,1,1,…`) but about 7,900 written AAM's way (`d_sid=123456,`). 10,000 leaves every line of
 * real trait IDs alone and still bounds what one line can make the pipeline store and evaluate.
 */
export const DEFAULT_MAX_SIGNALS_PER_LINE = 10_000;

/**
 * Bytes of one file's content, after gunzip. AAM takes gzip files of up to 1 GB, recommends splits of
 * about 1 GB uncompressed, and an uncompressed file sent to its S3 bucket is at most 5 GB (S3's limit
 * for one upload). 5 GiB reads every file AAM would take uncompressed, and stops a small gzip bomb
 * (gzip reaches about 1,000:1) from turning into hours of parsing.
 */
export const DEFAULT_MAX_FILE_BYTES = 5 * 2 ** 30;
