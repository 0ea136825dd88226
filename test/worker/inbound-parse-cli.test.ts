import { describe, expect, it } from "vitest";
import { type CliHost, runCli } from "../../batch/cli/run";
import type { Validation } from "../../batch/cli/validate";
import { encryptForEdge, GPG_FIXTURE_TEXT, gpgFixture, testKeySecrets } from "./support/pgp";

/** A CLI host over in-memory files and environment variables, recording what is printed. */
function host(
	files: Record<string, Uint8Array | string>,
	variables: Record<string, string> = {},
): CliHost & { stdout: string; stderr: string } {
	const h = {
		stdout: "",
		stderr: "",
		env: (name: string) => variables[name],
		async open(path: string) {
			const content = files[path];
			if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
			return new Blob([content]).stream();
		},
		out(text: string) {
			h.stdout += text;
		},
		err(text: string) {
			h.stderr += text;
		},
	};
	return h;
}

async function gzip(text: string): Promise<Uint8Array> {
	const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

const GOOD = "user-1\td_sid=24,ic=52\nuser-2\t30608\n";

describe("edgesync validate", () => {
	it("exits 0 for a valid file and prints the receipt's format counts", async () => {
		const h = host({ "data/ftp_dpm_1000_1700000000.sync": GOOD });
		expect(await runCli(["validate", "data/ftp_dpm_1000_1700000000.sync"], h)).toBe(0);
		expect(h.stdout).toContain("File ftp_dpm_1000_1700000000.sync");
		expect(h.stdout).toMatch(/Records received\s+2\n/);
		expect(h.stdout).toMatch(/Total signals\s+3\n/);
		expect(h.stdout).toContain("Valid: 2 lines would be applied.");
	});

	it("exits 1 with samples when lines would be skipped, 0 for unused signals alone", async () => {
		const bad = `${GOOD}no tab here\nuser-3\t25,???\n`;
		const h = host({ "ftp_dpm_1000_1700000000.overwrite.gz": await gzip(bad) });
		expect(await runCli(["validate", "ftp_dpm_1000_1700000000.overwrite.gz"], h)).toBe(1);
		expect(h.stdout).toMatch(/Format Errors\s+1\n/);
		expect(h.stdout).toContain('line 3: no TAB between user ID and signals: "no tab here"');
		expect(h.stdout).toContain('line 4: unparseable "???"');
		expect(h.stdout).toContain("Not valid: 1 of 4 lines would be skipped.");
		const ok = host({ "ftp_dpm_1000_1700000000.sync": "u\t24,???\n" });
		expect(await runCli(["validate", "ftp_dpm_1000_1700000000.sync"], ok)).toBe(0);
	});

	it("checks IDs as UUIDs with --id-type uuid", async () => {
		const h = host({ "ftp_dpm_1000_1700000000.sync": GOOD });
		expect(await runCli(["validate", "--id-type", "uuid", "ftp_dpm_1000_1700000000.sync"], h)).toBe(1);
		expect(h.stdout).toMatch(/Invalid AAM ID\s+2\n/);
	});

	it("prints JSON with --json", async () => {
		const h = host({ "ftp_dpm_1000_1700000000.sync": GOOD });
		expect(await runCli(["validate", "ftp_dpm_1000_1700000000.sync", "--json"], h)).toBe(0);
		const v = JSON.parse(h.stdout) as Validation;
		expect(v).toMatchObject({ file: "ftp_dpm_1000_1700000000.sync", exitCode: 0, name: { dpid: 1000 } });
		expect(v.tally.counts).toEqual({
			recordsReceived: 2,
			formatErrors: 0,
			invalidIds: 0,
			noMatchingId: 0,
			noTraitRealized: 0,
			totalSignals: 3,
			totalUnusedSignals: 0,
			totalRealizedTraits: 0,
			totalRemovedTraits: 0,
			totalTraitsFailedValidation: 0,
			signalsOverCap: 0,
			filesCut: 0,
		});
	});

	it("applies the edge's caps, or the ones given: signals over the per-line cap, a file cut at the size cap", async () => {
		const file = "ftp_dpm_1000_1700000000.sync";
		const h = host({
			[file]: `u1	${"1,".repeat(10_003)}
u2	24
u3	25
`,
		});
		expect(await runCli(["validate", file], h)).toBe(0);
		expect(h.stdout).toMatch(/Signals over the per-line cap\s+3\n/);
		expect(h.stdout).toContain("line 1: 3 signals after the first 10000 not read");

		const small = host({ [file]: GOOD });
		expect(await runCli(["validate", "--max-signals-per-line=1", "--max-file-bytes", "30", file], small)).toBe(1);
		expect(small.stdout).toMatch(/Signals over the per-line cap\s+1\n/);
		expect(small.stdout).toContain("Over the size cap of 30 bytes (after gunzip): read through line 1 (22 bytes)");
		expect(small.stdout).toContain("Not valid: the edge reads this file only up to its size cap.");
		for (const bad of ["--max-file-bytes=0", "--max-signals-per-line=x", "--max-file-bytes=1e3"]) {
			expect(await runCli(["validate", bad, file], small)).toBe(2);
		}
		expect(small.stderr).toContain("--max-file-bytes is a positive whole number");
	});

	it("exits 2 for a bad name, a missing file, a corrupt gzip and bad usage", async () => {
		const gz = await gzip(GOOD);
		const h = host({
			"data.txt": GOOD,
			"ftp_dpm_1000_1700000000.sync.gz": gz.slice(0, gz.length - 5),
		});
		expect(await runCli(["validate", "data.txt"], h)).toBe(2);
		expect(h.stdout).toContain("Rejected name: name matches neither");
		expect(await runCli(["validate", "ftp_dpm_1000_1700000001.sync"], h)).toBe(2);
		expect(h.stdout).toContain("Cannot read the file: ENOENT");
		expect(await runCli(["validate", "ftp_dpm_1000_1700000000.sync.gz"], h)).toBe(2);
		expect(h.stdout).toMatch(/File error after line \d+: corrupt or truncated gzip/);
		for (const args of [[], ["validate"], ["validate", "a", "b"], ["lint", "x"], ["validate", "--id-type=x", "a"]]) {
			expect(await runCli(args, h)).toBe(2);
		}
		expect(h.stderr).toContain("Usage: edgesync validate <file>");
	});
});

describe("edgesync validate on PGP-encrypted files", () => {
	const FILE = "ftp_dpm_1000_1790000000.sync.gpg";
	const withKey = (files: Record<string, Uint8Array | string>, passphrase = testKeySecrets().passphrase) =>
		host({ ...files, "edge-key.asc": testKeySecrets().armoredKey }, { EDGESYNC_PGP_PASSPHRASE: passphrase });

	it("without the private key: says which key the file is encrypted to, and that its content was not checked", async () => {
		const h = host({ [FILE]: gpgFixture("aam-command") });
		expect(await runCli(["validate", FILE], h)).toBe(2);
		expect(h.stdout).toContain("data source 1000, .sync, PGP-encrypted, 2026-09-21 14:13:20 UTC");
		expect(h.stdout).toContain("Encrypted to key ID ACFEAEE93D817DC3.");
		expect(h.stdout).toContain("Validate\n  the file before encrypting it (or give the key with --pgp-key).");
		const json = host({ [FILE]: gpgFixture("aam-command") });
		await runCli(["validate", "--json", FILE], json);
		expect(JSON.parse(json.stdout)).toMatchObject({ encryptedTo: ["ACFEAEE93D817DC3"], exitCode: 2 });
		const notPgp = host({ [FILE]: GPG_FIXTURE_TEXT });
		expect(await runCli(["validate", FILE], notPgp)).toBe(2);
		expect(notPgp.stdout).toContain("the content is not a PGP-encrypted message");
	});

	it("with --pgp-key: the counts of the plain file, as the edge reads it", async () => {
		const h = withKey({ [FILE]: gpgFixture("aam-command"), "ftp_dpm_1000_1790000000.sync": GPG_FIXTURE_TEXT });
		expect(await runCli(["validate", "--pgp-key", "edge-key.asc", FILE, "--json"], h)).toBe(1);
		const encrypted = JSON.parse(h.stdout) as Validation;
		h.stdout = "";
		expect(await runCli(["validate", "ftp_dpm_1000_1790000000.sync", "--json"], h)).toBe(1);
		const plain = JSON.parse(h.stdout) as Validation;
		expect(encrypted.tally).toEqual(plain.tally);
		expect(encrypted.tally.counts).toMatchObject({ recordsReceived: 4, formatErrors: 1 });
	});

	it("with --pgp-key, a damaged file is refused whole and counts nothing", async () => {
		const cipher = await encryptForEdge("u1\t24\n".repeat(2_000), { compression: "uncompressed" });
		cipher[cipher.length - 50] = (cipher[cipher.length - 50] ?? 0) ^ 1;
		const h = withKey({ [FILE]: cipher });
		expect(await runCli(["validate", `--pgp-key=edge-key.asc`, FILE], h)).toBe(2);
		expect(h.stdout).toMatch(/Records received\s+0\n/);
		expect(h.stdout).toContain("Refused: damaged, truncated or modified");
	});

	it("says which key or passphrase could not be used, naming the CLI's own option and variable", async () => {
		const h = withKey({ [FILE]: gpgFixture("aam-command") }, "wrong");
		expect(await runCli(["validate", "--pgp-key", "edge-key.asc", FILE], h)).toBe(2);
		expect(h.stdout).toContain("Refused: cannot use the private key: EDGESYNC_PGP_PASSPHRASE does not unlock it");
		expect(await runCli(["validate", "--pgp-key", "missing.asc", FILE], h)).toBe(2);
		expect(h.stderr).toContain("cannot read --pgp-key missing.asc: ENOENT");
		expect(await runCli(["validate", "--pgp-key"], h)).toBe(2);
	});
});
