// The vendor CLI as vendors run it: Node executing batch/cli/edgesync.ts directly (type stripping).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "edgesync-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
	return cliWith({}, ...args);
}

function cliWith(env: Record<string, string>, ...args: string[]) {
	const r = spawnSync(process.execPath, ["batch/cli/edgesync.ts", ...args], {
		cwd: root,
		encoding: "utf8",
		env: { ...process.env, ...env },
	});
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, content: string | Uint8Array): string {
	const p = path.join(dir, name);
	writeFileSync(p, content);
	return p;
}

describe("node batch/cli/edgesync.ts validate", () => {
	it("exits 0 for a valid gzip file", () => {
		const p = file("ftp_dpm_1000_1700000000.sync.1.gz", gzipSync("u1\td_sid=24\nu2\tic=52\n"));
		const r = cli("validate", p);
		expect(r.stderr).toBe("");
		expect(r.stdout).toMatch(/Records received\s+2\n/);
		expect(r.status).toBe(0);
	});

	it("exits 1 for format errors and prints JSON with --json", () => {
		const p = file("ftp_dpm_1000_1700000000.overwrite", "u1\t24\nno-tab\n");
		const r = cli("validate", "--json", p);
		expect(r.status).toBe(1);
		expect(JSON.parse(r.stdout)).toMatchObject({ exitCode: 1, tally: { counts: { formatErrors: 1 } } });
	});

	it("exits 2 for a bad name, a missing file or a corrupt gzip file, 0 for concatenated gzip members", () => {
		expect(cli("validate", file("audience.tsv", "u\t24\n")).status).toBe(2);
		expect(cli("validate", path.join(dir, "ftp_dpm_1000_1700000000.sync")).status).toBe(2);
		const twice = Buffer.concat([gzipSync("u1\t24\n"), gzipSync("u2\t25\n")]);
		const r = cli("validate", file("ftp_dpm_1000_1700000000.sync.gz", twice));
		expect(r.stdout).toMatch(/Records received\s+2\n/);
		expect(r.status).toBe(0);
		const cut = cli("validate", file("ftp_dpm_1000_1700000001.sync.gz", twice.subarray(0, twice.length - 5)));
		expect(cut.stdout).toContain("corrupt or truncated gzip");
		expect(cut.status).toBe(2);
	});

	it("reads a file gpg encrypted with AAM's command line, given the private key (openpgp.js under Node)", () => {
		// The test key pair of test/worker/fixtures/pgp/: published, never a real key.
		const fixtures = path.join(root, "test/worker/fixtures/pgp");
		const gpg = path.join(fixtures, "aam-command.sync.gpg");
		const p = file("ftp_dpm_1000_1790000000.sync.gpg", readFileSync(gpg));
		const without = cli("validate", p);
		expect(without.stdout).toContain("Encrypted to key ID ACFEAEE93D817DC3.");
		expect(without.status).toBe(2);
		const key = path.join(fixtures, "edgesync-test-key.private.asc");
		const r = cliWith(
			{ EDGESYNC_PGP_PASSPHRASE: "edgesync-test-passphrase-not-secret" },
			"validate",
			"--pgp-key",
			key,
			p,
		);
		expect(r.stderr).toBe("");
		expect(r.stdout).toContain("PGP-encrypted");
		expect(r.stdout).toMatch(/Records received\s+4\n/);
		expect(r.stdout).toMatch(/Format Errors\s+1\n/);
		expect(r.status).toBe(1);
	});
});

describe("edgesync, when the system fails under a command", () => {
	it("says it in one line, without a stack, and exits 2 (verify: a directory where the .info lists a file)", () => {
		const run = path.join(dir, "verify-dir");
		mkdirSync(path.join(run, "out_1.gz"), { recursive: true });
		const file = {
			FileByteSize: 1,
			FileLineCount: 1,
			FileName: "out_1.gz",
			FileSequenceNumber: 1,
			md5: "0".repeat(32),
		};
		const totals = { FileName: "out.info", TotalByteSize: 1, TotalNumberFiles: 1, TotalNumberLines: 1 };
		writeFileSync(path.join(run, "out.info"), JSON.stringify({ Files: [file], Totals: totals }));
		const r = cli("verify", run);
		expect(r.stderr).toMatch(/^edgesync verify: .*\n$/);
		expect(r.stderr).not.toContain("    at ");
		expect(r.status).toBe(2);
	});
});
