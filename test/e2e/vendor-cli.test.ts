// The vendor CLI (`npx edgesync …`) against one real local edge (`wrangler dev`, shared by every test
// here): uploads whole and in resumable parts, receipts and their exit codes, `receipts --watch`,
// `verify` on the files of a real outbound run (and on tampered copies), `template preview` beside the
// edge's own preview.
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../scripts/lib/wait.ts";
import { DEV_SECRETS, type Edge, startEdge, stopEdges, wranglerBesideEdge } from "../../scripts/lib/wrangler-dev.ts";
import { cli, startCli } from "./support/cli.ts";

const ADMIN = DEV_SECRETS.ADMIN_TOKEN;
const MEMBERS = 2_500;
/** Partner keys in the stored format (es_<id>_<secret>, SHA-256 of the secret in D1). */
const KEYS = { 1000: key("VendorKey001"), 2000: key("OtherKey0001") };

function key(id: string) {
	const secret = createHash("sha256").update(id).digest("base64url");
	return { id, secret, full: `es_${id}_${secret}`, hash: createHash("sha256").update(secret).digest("hex") };
}

/** Two partners with keys; 1000 has MEMBERS paired members in segment 10 and a full destination split every 1,000 lines. */
const SEED = `INSERT INTO partners (dpid, name, redirect_hosts, receipt_emails, created_at, updated_at)
	VALUES (1000, 'Vendor', '[]', '[]', 0, 0), (2000, 'Other', '[]', '[]', 0, 0);
INSERT INTO partner_keys (id, dpid, secret_sha256, label, created_at) VALUES
	('${KEYS[1000].id}', 1000, '${KEYS[1000].hash}', 'e2e', 0), ('${KEYS[2000].id}', 2000, '${KEYS[2000].hash}', 'e2e', 0);
INSERT INTO traits (id, dpid, name, rule, created_at, updated_at) VALUES (1, 1000, 't1', NULL, 0, 0);
INSERT INTO segments (id, name, rule, created_at, updated_at) VALUES (10, 's10', 'T1', 0, 0);
CREATE TEMP TABLE n AS WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ${MEMBERS}) SELECT i FROM c;
INSERT INTO id_pairs (dpid, dpuuid, uuid, first_seen, last_seen, paired_at)
	SELECT 1000, printf('p%07d', i), printf('%038d', i), 1, 1, 1 FROM n;
INSERT INTO segment_memberships (segment_id, uuid, entered_at) SELECT 10, printf('%038d', i), 1 FROM n;
INSERT INTO destinations (id, dpid, name, segments, mode, schedule, gzip, split_lines, targets, created_at, updated_at)
	VALUES (1, 1000, 'e2e', '[10]', 'full', '0 0 1 1 *', 1, 1000, '{}', 0, 0);`;

let edge: Edge;
let dir: string;
let vendor: Record<string, string>;
const T = Math.floor(Date.now() / 1000) - 600;

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), "edgesync-vendor-cli-"));
	// The D1 graph store (members seeded straight into its tables); files are discovered as soon as seen.
	edge = await startEdge({ seed: { sqlite3: SEED }, vars: { GRAPH_STORE: "d1", INBOUND_SETTLE_SECONDS: "0" } });
	vendor = { EDGESYNC_URL: edge.origin, EDGESYNC_KEY: KEYS[1000].full };
});

afterAll(async () => {
	await stopEdges();
	rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Uint8Array): string {
	const p = path.join(dir, name);
	writeFileSync(p, content);
	return p;
}

/** An object of the edge's local exchange bucket, read with `wrangler r2 object get --local`. */
async function stored(key: string, to: string): Promise<Buffer> {
	await wranglerBesideEdge([
		"r2",
		"object",
		"get",
		`edgesync-exchange/${key}`,
		"--local",
		"--persist-to",
		edge.persist,
		"--file",
		to,
	]);
	return readFileSync(to);
}

/** Fires the cron (discovery, then the deliveries it found); its answer locally waits for their steps. */
function cron(): Promise<unknown> {
	return fetch(`${edge.origin}/__scheduled?cron=*+*+*+*+*`)
		.then((r) => r.text())
		.catch(() => undefined);
}

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

/**
 * A proxy in front of `target` that passes every request on, except that the first one `drop` picks has
 * its connection closed before any answer: a network failure in the middle of an upload.
 */
const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding"]);

async function dropOnce(target: string, drop: (req: IncomingMessage) => boolean) {
	let dropped = false;
	const server = createServer(async (req, res) => {
		if (!dropped && drop(req)) {
			dropped = true;
			req.socket.destroy();
			return;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const headers = Object.fromEntries(
			Object.entries(req.headers).filter(
				(e): e is [string, string] => typeof e[1] === "string" && !HOP_HEADERS.has(e[0]),
			),
		);
		const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
		const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body });
		res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
		res.end(Buffer.from(await answer.arrayBuffer()));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		origin: `http://127.0.0.1:${port}`,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

describe("edgesync upload", () => {
	it("validates, then sends a small file whole", async () => {
		const name = `ftp_dpm_1000_${T}.sync`;
		const r = await cli(vendor, "upload", file(name, "p0000001\t1\np0000002\t1\n"));
		expect(r.stderr).toBe("");
		expect(r.stdout).toContain(`${name}: uploaded to 1000/inbound/${name} (22 bytes)`);
		expect(r.status).toBe(0);
		// The same name again: the edge refuses it (409), exit 2.
		const again = await cli(vendor, "upload", path.join(dir, name));
		expect(again.stderr).toContain("409");
		expect(again.status).toBe(2);
	});

	it("refuses a file that does not validate unless --force; a bad name never", async () => {
		const name = `ftp_dpm_1000_${T + 1}.sync`;
		const bad = file(name, "p0000003\t1\nno-tab-here\n");
		const refused = await cli(vendor, "upload", bad);
		expect(refused.stderr).toContain("Format Errors");
		expect(refused.stderr).toContain("--force uploads it anyway");
		expect(refused.status).toBe(1);
		const forced = await cli(vendor, "upload", "--force", bad);
		expect(forced.stdout).toContain(`uploaded to 1000/inbound/${name}`);
		expect(forced.status).toBe(0);
		const badName = await cli(vendor, "upload", "--force", file("audience.tsv", "p\t1\n"));
		expect(badName.status).toBe(2);
	});

	it("sends a large file in parts and, interrupted, resumes with the parts not yet sent", async () => {
		const name = `ftp_dpm_1000_${T + 2}.sync`;
		// 11 MiB in three parts of 5 MiB. Its lines are longer than a line may be: the edge skips each
		// at once when the cron of another test reads it (--force uploads it all the same).
		const line = `p0000004\t${"1,".repeat(100_000)}1\n`;
		const content = Buffer.from(line.repeat(Math.ceil((11 * 1024 * 1024) / line.length)));
		const p = file(name, content);
		const stateDir = path.join(dir, "state");
		// The connection drops while part 2 is sent (a proxy in front of the edge closes it, once).
		const proxy = await dropOnce(edge.origin, (req) => req.method === "PUT" && (req.url ?? "").includes("part=2"));
		try {
			const args = ["upload", "--force", "--part-size", "5", "--state-dir", stateDir, p];
			const first = await cli({ ...vendor, EDGESYNC_URL: proxy.origin }, ...args);
			expect(first.stdout).toContain("part 1 of 3 sent");
			expect(first.stderr).toContain(`cannot reach ${proxy.origin}`);
			expect(first.status).toBe(5);
			const state = JSON.parse(readFileSync(path.join(stateDir, `${name}.upload.json`), "utf8")) as {
				parts: Record<string, string>;
			};
			expect(Object.keys(state.parts)).toEqual(["1"]);
			const second = await cli({ ...vendor, EDGESYNC_URL: proxy.origin }, ...args);
			expect(second.stdout).toContain(`${name}: resuming, 1 of 3 parts already sent`);
			// Only the parts not yet sent are sent again.
			expect(second.stdout.match(/part \d of 3 sent/g)).toEqual(["part 2 of 3 sent", "part 3 of 3 sent"]);
			expect(second.stdout).toContain(`uploaded to 1000/inbound/${name} (${content.length} bytes)`);
			expect(second.status).toBe(0);
		} finally {
			await proxy.close();
		}
		expect(md5(await stored(`1000/inbound/${name}`, path.join(dir, "got")))).toBe(md5(content));
		expect(() => readFileSync(path.join(stateDir, `${name}.upload.json`))).toThrow();
	});

	it("exits 2 without a key or with a wrong one, 5 when the edge cannot be reached", async () => {
		const p = file(`ftp_dpm_1000_${T + 3}.sync`, "p\t1\n");
		expect((await cli({ EDGESYNC_URL: edge.origin, EDGESYNC_KEY: "" }, "upload", p)).status).toBe(2);
		const wrong = await cli({ ...vendor, EDGESYNC_KEY: "es_nope_nope" }, "upload", p);
		expect(wrong.stderr).toContain("401");
		expect(wrong.status).toBe(2);
		expect((await cli({ ...vendor, EDGESYNC_URL: "http://127.0.0.1:9" }, "upload", p)).status).toBe(5);
	});
});

describe("edgesync receipt and receipts --watch", () => {
	it("waits for each receipt: exit 0 when every record was used, 1 when records failed; --watch prints them as they finish", async () => {
		const [cleanName, failedName] = [`ftp_dpm_1000_${T + 10}.sync`, `ftp_dpm_1000_${T + 11}.sync`];
		expect((await cli(vendor, "upload", file(cleanName, "p0000001\t1\np0000002\t1\n"))).status).toBe(0);
		expect((await cli(vendor, "upload", "--force", file(failedName, "p0000003\t1\nno-tab-here\n"))).status).toBe(0);
		const watch = startCli(vendor, "receipts", "--watch", "--interval", "0.5");
		await watch.waitFor("Watching for receipts");
		const clean = startCli(vendor, "receipt", cleanName, "--interval", "0.5", "--timeout", "240");
		const failed = startCli(vendor, "receipt", failedName, "--interval", "0.5", "--timeout", "240");
		// Discovery and the deliveries' steps run in the cron; fire it until both have finished.
		const firing = eventually("both receipts", 240_000, async () => {
			await cron();
			return clean.child.exitCode !== null && failed.child.exitCode !== null ? true : undefined;
		});
		expect(await clean.exit).toBe(0);
		expect(clean.stdout()).toMatch(/Records received\s+2\n/);
		expect(clean.stdout()).toContain("No record failed.");
		expect(await failed.exit).toBe(1);
		expect(failed.stdout()).toMatch(/Format Errors\s+1\n/);
		expect(failed.stdout()).toContain("Records failed: 1");
		await firing;
		await watch.waitFor(`${failedName}  done  received 2  failed 1`);
		await watch.waitFor(`${cleanName}  done  received 2  failed 0`);
		watch.child.kill("SIGTERM");
		await watch.exit;
	});

	it("exits 4 while a delivery is pending, also for another partner's delivery (never shown)", async () => {
		const unknown = await cli(vendor, "receipt", `ftp_dpm_1000_${T + 99}.sync`, "--timeout", "0");
		expect(unknown.stderr).toContain("not yet discovered");
		expect(unknown.status).toBe(4);
		const other = { ...vendor, EDGESYNC_KEY: KEYS[2000].full };
		const mine = `ftp_dpm_1000_${T + 20}.sync`;
		expect((await cli(vendor, "upload", file(mine, "p0000001\t1\n"))).status).toBe(0);
		await cron();
		expect((await cli(vendor, "receipts")).stdout).toContain(mine);
		const theirs = await cli(other, "receipt", mine, "--timeout", "0");
		expect(theirs.stdout).toBe("");
		expect(theirs.status).toBe(4);
		const listed = await cli(other, "receipts");
		expect(listed.stdout).toBe("");
		expect(listed.status).toBe(0);
	});
});

describe("edgesync verify", () => {
	let runDir: string;

	beforeAll(async () => {
		const headers = { Authorization: `Bearer ${ADMIN}` };
		const started = (await (
			await fetch(`${edge.origin}/api/v1/destinations/1/runs`, { method: "POST", headers })
		).json()) as {
			id: string;
		};
		type Run = { status: string; files: Array<{ name: string }> };
		const run = await eventually("the outbound run", 120_000, async () => {
			const r = (await (await fetch(`${edge.origin}/api/v1/outbound-runs/${started.id}`, { headers })).json()) as Run;
			return r.status === "running" ? undefined : r;
		});
		expect(run.status).toBe("sent");
		runDir = path.join(dir, "outbound");
		const stem = /^(.*_\d{13})/.exec(run.files[0]?.name ?? "")?.[1];
		for (const name of [...run.files.map((f) => f.name), `${stem}.info`]) {
			await stored(`1000/outbound/${name}`, path.join(runDir, name));
		}
	});

	/** A copy of the run's files to tamper with. */
	function copy(label: string): string {
		const to = path.join(dir, label);
		cpSync(runDir, to, { recursive: true });
		return to;
	}

	it("passes the files of a real outbound run (gzip, split in sequence)", async () => {
		const r = await cli({}, "verify", runDir);
		expect(r.stdout).toMatch(/^OK R2_1_1000_full_\d{13}\.info\n$/);
		expect(r.status).toBe(0);
	});

	it("names each mismatch and exits 1: a changed byte, a missing file, an entry gone from the .info", async () => {
		const changed = copy("changed");
		const [first] = readdirSync(changed).filter((n) => n.endsWith("001.sync.gz"));
		const p = path.join(changed, first ?? "");
		const bytes = readFileSync(p);
		bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff; // gzip's size trailer: MD5 and gunzip both fail
		writeFileSync(p, bytes);
		const r1 = await cli({}, "verify", changed);
		expect(r1.stdout).toContain(`${first}: MD5 `);
		expect(r1.status).toBe(1);

		const missing = copy("missing");
		rmSync(path.join(missing, first ?? ""));
		const r2 = await cli({}, "verify", missing);
		expect(r2.stdout).toContain(`${first} is missing`);
		expect(r2.status).toBe(1);

		const unlisted = copy("unlisted");
		const info = readdirSync(unlisted).find((n) => n.endsWith(".info")) ?? "";
		const json = JSON.parse(readFileSync(path.join(unlisted, info), "utf8")) as { Files: unknown[] };
		json.Files.splice(1, 1);
		writeFileSync(path.join(unlisted, info), JSON.stringify(json));
		const r3 = await cli({}, "verify", unlisted);
		expect(r3.stdout).toMatch(/sequence numbers 1, 3, expected 1 to 3/);
		expect(r3.stdout).toMatch(/002\.sync\.gz is not in the \.info/);
		expect(r3.status).toBe(1);
	});
});

describe("edgesync template preview", () => {
	it("renders as the edge's own preview does (POST /api/v1/destination-preview)", async () => {
		const template = '<DP_UUID>|<SEGMENT_LIST; separator=";">|<REMOVED_SEGMENT_LIST; separator=";">';
		const header = "id|segments|removed";
		const samples = [
			{ dpuuid: "user-1", segments: [12, 11], removed: [13] },
			{ dpuuid: "user-2", segments: [], removed: [11] },
		];
		const samplesFile = file("samples.json", JSON.stringify(samples));
		const r = await cli(
			{},
			"template",
			"preview",
			"--template",
			template,
			"--header",
			header,
			"--samples",
			samplesFile,
			"--mode",
			"iter",
		);
		expect(r.status).toBe(0);
		const res = await fetch(`${edge.origin}/api/v1/destination-preview`, {
			method: "POST",
			headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
			body: JSON.stringify({ template, header, samples, mode: "iter" }),
		});
		const preview = (await res.json()) as { header: string[]; lines: string[] };
		expect(r.stdout).toBe(`${[...preview.header, ...preview.lines].join("\n")}\n`);
		expect(r.stdout).toBe("id|segments|removed\nuser-1|11;12|13\nuser-2||11\n");
		const bad = await cli({}, "template", "preview", "--template", "<SEGMENT_LIST>");
		expect(bad.stderr).toContain("template:");
		expect(bad.status).toBe(2);
	});
});
