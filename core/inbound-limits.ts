/**
 * What one inbound file may hold (SPEC §5) and the operator's caps on what it may cost (README
 * "Configuration reference"), defined once for the parser, the pipeline, the settings and the vendor CLI.
 */

/** A longer line is counted as a format error and skipped (SPEC §5). */
export const MAX_LINE_BYTES = 102_400;

/** Lines of one user in one file beyond this are format errors (SPEC §5). */
export const MAX_LINES_PER_USER = 200;

/**
 * The parser takes the two caps below as options; these defaults serve the vendor CLI and any caller
 * that sets none.
 *
 * Signals per line: AAM documents no limit on them; the 102,400-byte line (SPEC §5) holds 51,200
 * one-digit signals (`1,1,1,…`) but about 7,900 written AAM's way (`d_sid=123456,`). 10,000 is above
 * any full line written that way and still bounds what one line makes the pipeline store and evaluate.
 */
export const DEFAULT_MAX_SIGNALS_PER_LINE = 10_000;

/**
 * Bytes of one file's content, after gunzip. AAM recommends splitting deliveries into files of about
 * 1 GB uncompressed (it takes gzip files of up to 1 GB). The split step parses a file in one Workflow
 * step, whose CPU is capped (`cpu_ms`, 300 s). Short lines cost the most per byte: for AAM's shortest
 * useful lines (26 bytes, a user and two traits) bench/inbound-scale.ts measures 4–5 µs a line through
 * the split's whole path on a 2-vCPU machine, 160–220 s for 1 GiB of them (longer lines cost less per
 * byte: bench/hostile.ts). 1 GiB fits, where a 5 GB file would fail on CPU instead of being cut.
 * And a small gzip bomb (gzip reaches about 1,000:1) costs the cap, not hours; gzip that makes little
 * or no content is bounded by GZIP_LIMITS below.
 */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 30;

/**
 * What a gzip file's compressed bytes may cost beyond the content they make: the size cap above counts
 * content only, and some gzip makes none. Each member costs a fresh inflater state whatever it holds:
 * a file of empty members (20 bytes each) cost about 370 ms of CPU per MiB and made no content, so 1 GiB
 * of them outlasted the split step's 300 s CPU cap on every retry; empty deflate blocks and zero padding
 * between members make none either, and cost per byte like real data with no end.
 * - `freeMembers`, `contentBytesPerMember`: the first 1,000 members are free, each further one needs
 *   4 KiB of content made before it. `cat` of up to 1,000 gzip files of any size passes, so do pigz (one
 *   member) and bgzip (one member per 64 KiB of content, 16 times the rule's need); a 1 GiB file may
 *   hold 263,144 members, about 2 s of their set-up.
 * - `overheadBytes`: the compressed bytes read (padding included) may exceed the content made from them
 *   by at most 1 MiB. gzip does not make text bigger, and incompressible data by 5 bytes per 64 KiB
 *   (80 KiB a GiB): a file is read to at most its content plus 1 MiB, so its cost follows the size cap.
 * Past either, the rest of the file is not read: a file error (`gzip_members`, `gzip_overhead`) after the
 * lines read, one format error in the receipt with the reason.
 */
export const GZIP_LIMITS = {
	freeMembers: 1_000,
	contentBytesPerMember: 4_096,
	overheadBytes: 1024 * 1024,
} as const;

/**
 * Lines one group step applies (a bucket is never cut, so a group can hold more). Each group has a
 * cost whatever its size (a call to about every visitor shard, its own step, a read of every piece):
 * 100,000 lines a group took a 1,000,000-line file from 65 to 41–47 s locally, 200,000 to 32 s
 * (bench/RESULTS.md §10). A 50 M-line delivery needs about 460 group steps of the 10,000 a
 * Workflow may take.
 */
export const DEFAULT_LINES_PER_GROUP = 100_000;

/**
 * Group steps one delivery applies at once: they touch different partner IDs, so on Cloudflare their
 * shard calls overlap. Locally (one thread) only the number of groups counts.
 */
export const DEFAULT_GROUPS_AT_ONCE = 2;

/**
 * Lines a delivery's group steps hold at once (a wave's groups, at most INBOUND_LINES_PER_GROUP ×
 * INBOUND_GROUPS_AT_ONCE as set). A parsed line takes ~270 bytes of heap and its piece text ~60 more:
 * 200,000 lines are ~66 MB of the Workflow isolate's 128 MB (locally, with the shard objects in the
 * same isolate, 200,000 × 1 peaked at 117 MB; bench/RESULTS.md §10).
 */
export const MAX_LINES_IN_FLIGHT = 200_000;

/**
 * Bytes of one piece object the split step writes. The split holds one piece in memory while it fills
 * and sorts it (about three times its size at the peak), and a group step reads one range of every
 * piece, so bigger pieces mean fewer reads per group.
 */
export const DEFAULT_PIECE_BYTES = 8 * 1024 * 1024;

/**
 * Files uploaded in parts through the edge (worker/intake/multipart/, the vendor CLI's `upload`). R2
 * wants every part but the last at least 5 MiB and all of those the same size; a part is one request
 * body, which a Worker takes up to 100 MB. 1,000 parts of 5 MiB already reach 5 GiB, the largest file
 * taken: five times the content cap above, room enough for any file the edge reads whole.
 */
export const UPLOAD_PARTS = {
	minPartBytes: 5 * 1024 * 1024,
	maxPartBytes: 64 * 1024 * 1024,
	maxParts: 1_000,
	maxFileBytes: 5 * 1024 ** 3,
} as const;
