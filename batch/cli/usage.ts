import { UPLOAD_PARTS } from "../../core/inbound-limits";
import { EDGE_URL_VARIABLE, PARTNER_KEY_VARIABLE } from "./edge-client";

const MIB = 1024 * 1024;

/** The commands of commands.ts (named here so `validate` does not have to load them to dispatch). */
export const COMMAND_NAMES = ["upload", "receipt", "receipts", "verify", "template"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string | undefined): name is CommandName {
	return (COMMAND_NAMES as readonly (string | undefined)[]).includes(name);
}

export const EXIT_CODES = `Exit codes (every command):
  0  done; nothing wrong
  1  the data has a problem: lines the edge would skip (validate, upload), records failed (receipt),
     a file that does not match its .info (verify)
  2  bad arguments, a file that cannot be used, or the edge refused the request (4xx)
  3  the delivery was rejected or failed as a whole (receipt)
  4  still not finished when --timeout ran out (receipt)
  5  the edge could not be reached, or answered 5xx or 429: try again later
`;

export const EDGE_OPTIONS = `Talking to the edge: --edge <origin> or ${EDGE_URL_VARIABLE}; the partner key from ${PARTNER_KEY_VARIABLE}
(only from the environment: a command line is visible to every user of the machine).`;

export const OVERVIEW = `Usage: edgesync <command> [options]     (edgesync <command> --help for its options)

  validate <file>             check an inbound file locally, as the edge parses it
  upload <file…>              validate, then upload to the edge (in parts, resumable, for large files)
  receipt <delivery | file>   wait for a delivery's receipt and print it
  receipts [--watch]          list your deliveries; --watch prints receipts as deliveries finish
  verify <dir>                check outbound files against their .info (offline)
  template preview            render an output template against sample members (offline)

${EDGE_OPTIONS}

${EXIT_CODES}`;

export const UPLOAD_USAGE = `Usage: edgesync upload <file…> [--edge <origin>] [--part-size <MiB>] [--state-dir <dir>]
                       [--force] [--id-type partner|uuid]

Validates each file as \`edgesync validate\` does, then uploads it with your partner key: up to one
part's size in one request (PUT /exchange/inbound/<name>), larger files in parts (/exchange/uploads/).
After each part the state is saved in --state-dir: run the same command again after an interruption
and only the missing parts are sent. Progress is a bar on a terminal, one line per part otherwise.

  --part-size  MiB per part, ${UPLOAD_PARTS.minPartBytes / MIB} to ${UPLOAD_PARTS.maxPartBytes / MIB} (default 16); at most ${UPLOAD_PARTS.maxParts} parts, files up to ${UPLOAD_PARTS.maxFileBytes / MIB / 1024} GiB
  --state-dir  where resumable uploads keep their state (default .edgesync-uploads)
  --force      upload a file even though some of its lines would be skipped (never one with a bad name)
  --id-type    as for validate

${EDGE_OPTIONS}
Exit codes: 0 uploaded, 1 lines would be skipped (not uploaded without --force), 2 refused, 5 try again.
`;

export const RECEIPT_USAGE = `Usage: edgesync receipt <delivery id | file name> [--edge <origin>] [--timeout <s>] [--interval <s>] [--json]

Waits until the delivery has finished and prints its receipt (a file name is turned into the id of its
delivery). The edge looks for new files every minute and applies them in steps, so this can take minutes.

  --timeout   give up after this many seconds (default 1800; 0 asks once)
  --interval  seconds between two looks (default 15)
  --json      print the delivery with its receipt as JSON

${EDGE_OPTIONS}
Exit codes: 0 every record was used, 1 records failed (Format Errors, Invalid AAM ID, traits failed
validation, signals over the cap, files cut), 3 rejected or failed, 4 still pending at --timeout,
2 refused, 5 try again. "No Matching AAM ID" and "No Trait Realized" depend on the edge's data: they
are printed, not failures.
`;

export const RECEIPTS_USAGE = `Usage: edgesync receipts [--watch] [--edge <origin>] [--limit <n>] [--interval <s>] [--timeout <s>]

Lists your deliveries, newest first, one line each (id, status, records received and failed). With
--watch it keeps looking and prints a line for each delivery that finishes, until interrupted (or
--timeout seconds).

${EDGE_OPTIONS}
`;

export const VERIFY_USAGE = `Usage: edgesync verify <dir>

Checks every outbound run in <dir> against its .info: each listed file present, its size, MD5 and
lines (after gunzip; a template's header lines count too) as listed, sequence numbers 1 to n with none
missing, the totals adding up, and no file of the run left out. Offline: reads the local files only.

Exit codes: 0 everything matches, 1 a mismatch (each printed with its reason), 2 no .info or no directory.
`;

export const TEMPLATE_USAGE = `Usage: edgesync template preview [--template <text> | --template-file <file>] [--header <text>]
                                [--samples <file.json>] [--mode full|iter] [--dpid <n>] [--json]

Renders an output template (AAM's default when none is given) the way the edge writes outbound files,
offline, with the edge's own template modules. --samples is a JSON array of members:
  [{ "dpuuid": "user-1", "segments": [11, 12], "removed": [13], "traits": [], "at": 1790000000000 }]
(without it: two made-up members). Warnings (a template that leaves out what the mode needs) go to stderr.

Exit codes: 0 rendered, 2 a template AAM's macros do not allow, or bad samples.
`;
