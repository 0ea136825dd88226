// The set-up's planner (scripts/setup/plan.ts) against the real wrangler.toml as wrangler reads it: what
// a first run does, that a second run against what the first created changes nothing, and that what
// exists is found rather than created again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { parseBucketList, parseD1List, parseQueueTable, workerMissing } from "../../scripts/setup/account.ts";
import { type EnvNeeds, needsOf } from "../../scripts/setup/needs.ts";
import { type AccountState, type Action, changes, formatPlan, planSetup } from "../../scripts/setup/plan.ts";
import { setD1DatabaseId } from "../../scripts/setup/toml-edit.ts";

const root = path.resolve(import.meta.dirname, "../..");
const toml = readFileSync(path.join(root, "wrangler.toml"), "utf8");
const dir = mkdtempSync(path.join(tmpdir(), "edgesync-setup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The environment's needs as wrangler reads `text`. */
function needsFrom(text: string, env: string): EnvNeeds {
	const file = path.join(dir, `wrangler-${++files}.toml`);
	writeFileSync(file, text);
	return needsOf(env, unstable_readConfig({ config: file, env }, { hideWarnings: true }));
}

const EMPTY: AccountState = { d1: [], buckets: [], queues: [], secrets: [] };
let nextId = 0;
const newId = () => `00000000-0000-4000-8000-${String(++nextId).padStart(12, "0")}`;

/**
 * What the account and wrangler.toml look like after `actions` ran: the account side of each create,
 * the file side of each id record (through the real edit), secrets uploaded by the deploy.
 */
function afterRun(actions: Action[], state: AccountState, text: string, env: string) {
	const next = structuredClone(state);
	let file = text;
	for (const a of actions) {
		if (a.kind === "create-d1") next.d1.push({ name: a.name, id: newId() });
		if (a.kind === "create-bucket") next.buckets.push(a.name);
		if (a.kind === "create-queue") next.queues.push(a.name);
		if (a.kind === "deploy") next.secrets.push(...a.secrets);
		if (a.kind === "record-d1-id") {
			const id = a.id ?? next.d1.find((d) => d.name === a.name)?.id ?? "";
			file = setD1DatabaseId(file, env, a.binding, id);
		}
	}
	return { state: next, text: file };
}

describe("planSetup", () => {
	const production = needsFrom(toml, "production");

	it("warns before deploying empty vars that turn features off, and that the deploy replaces the Worker's vars", () => {
		const printed = formatPlan(planSetup(needsFrom(toml, "production"), EMPTY));
		expect(printed).toContain("! SITE_ORIGINS is empty in [env.production.vars]: every site's /id call is refused");
		expect(printed).toContain("! RECEIPT_FROM is empty");
		expect(printed).toContain("sets the Worker's vars to [env.production.vars] exactly");
		const filled = toml.replace(
			/(\[env\.production\.vars\][\s\S]*?)SITE_ORIGINS = ""/,
			'$1SITE_ORIGINS = "https://www.example.com"',
		);
		expect(filled).not.toBe(toml);
		expect(formatPlan(planSetup(needsFrom(filled, "production"), EMPTY))).not.toContain("SITE_ORIGINS is empty");
	});

	it("reads each environment's own names from wrangler.toml", () => {
		expect(production).toMatchObject({ worker: "edgesync", buckets: ["edgesync-archive", "edgesync-exchange"] });
		expect(production.d1).toEqual([{ binding: "DB", name: "edgesync", id: null }]);
		expect(production.queues).toEqual([
			"edgesync-pairs",
			"edgesync-pairs-1",
			"edgesync-pairs-2",
			"edgesync-pairs-3",
			"edgesync-pairs-dlq",
		]);
		const staging = needsFrom(toml, "staging");
		expect(staging.worker).toBe("edgesync-staging");
		const names = [...staging.buckets, ...staging.queues, ...staging.d1.map((d) => d.name)];
		expect(names.filter((n) => !n.startsWith("edgesync-staging"))).toEqual([]);
	});

	it("on an empty account creates everything, records the new id, asks for every secret, then deploys", () => {
		const plan = planSetup(production, EMPTY);
		expect(plan.actions.map((a) => a.kind)).toEqual([
			"create-d1",
			"record-d1-id",
			"create-bucket",
			"create-bucket",
			...production.queues.map(() => "create-queue"),
			"apply-migrations",
			"ask-secrets",
			"deploy",
		]);
		expect(plan.actions).toContainEqual({ kind: "record-d1-id", binding: "DB", name: "edgesync", id: null });
		expect(plan.actions.at(-1)).toEqual({ kind: "deploy", secrets: ["ADMIN_TOKEN", "SESSION_SECRET", "FPID_SECRET"] });
		// An account that could not be listed is planned as an empty one.
		expect(planSetup(production, null)).toEqual(plan);
	});

	it("run twice: the second plan, against what the first created and recorded, changes nothing", () => {
		const first = planSetup(production, EMPTY);
		const after = afterRun(first.actions, EMPTY, toml, "production");
		const recorded = needsFrom(after.text, "production");
		expect(recorded.d1[0]?.id).toBe(after.state.d1[0]?.id);
		const second = planSetup(recorded, after.state);
		expect(changes(second)).toEqual([]);
		expect(second.actions).toEqual([
			{ kind: "apply-migrations", binding: "DB" },
			{ kind: "deploy", secrets: [] },
		]);
		// The edit touched one line of production and nothing of staging.
		expect(after.text.split("\n").length).toBe(toml.split("\n").length + 1);
		expect(needsFrom(after.text, "staging")).toEqual(needsFrom(toml, "staging"));
	});

	it("finds what exists (a deployment made by hand before) and creates only what is missing", () => {
		const existingId = "4b7c1e52-9d0a-4f7e-b1a2-3c4d5e6f7a8b";
		const state: AccountState = {
			d1: [
				{ name: "edgesync-staging", id: "5c8d2f63-0e1b-4a8f-82b3-4d5e6f7a8b9c" },
				{ name: "edgesync", id: existingId },
			],
			buckets: ["edgesync-archive", "edgesync-exchange", "someone-elses-bucket"],
			queues: ["edgesync-pairs", "edgesync-pairs-dlq"],
			secrets: ["ADMIN_TOKEN", "DELIVERY_ACME_S3_SECRET"],
		};
		const plan = planSetup(production, state);
		expect(changes(plan)).toEqual([
			{ kind: "record-d1-id", binding: "DB", name: "edgesync", id: existingId },
			{ kind: "create-queue", name: "edgesync-pairs-1" },
			{ kind: "create-queue", name: "edgesync-pairs-2" },
			{ kind: "create-queue", name: "edgesync-pairs-3" },
			{ kind: "ask-secrets", names: ["SESSION_SECRET", "FPID_SECRET"] },
		]);
		expect(plan.found).toEqual([
			`D1 database edgesync (${existingId})`,
			"R2 bucket edgesync-archive",
			"R2 bucket edgesync-exchange",
			"queue edgesync-pairs",
			"queue edgesync-pairs-dlq",
			"secrets ADMIN_TOKEN (kept as they are)",
		]);
	});

	it("records the account's id over a stale or placeholder one, and leaves a matching one alone", () => {
		const id = "6d9e3a74-1f2c-4b90-93c4-5e6f7a8b9c0d";
		const state: AccountState = { ...EMPTY, d1: [{ name: "edgesync", id }] };
		const stale = needsFrom(
			setD1DatabaseId(toml, "production", "DB", "7eaf4b85-2a3d-4ca1-a4d5-6f7a8b9c0d1e"),
			"production",
		);
		expect(changes(planSetup(stale, state))).toContainEqual({
			kind: "record-d1-id",
			binding: "DB",
			name: "edgesync",
			id,
		});
		const placeholder = needsFrom(
			setD1DatabaseId(toml, "production", "DB", "00000000-0000-0000-0000-000000000000"),
			"production",
		);
		expect(placeholder.d1[0]?.id).toBeNull();
		const matching = needsFrom(setD1DatabaseId(toml, "production", "DB", id), "production");
		expect(changes(planSetup(matching, state)).filter((a) => a.kind === "record-d1-id")).toEqual([]);
	});
});

describe("setD1DatabaseId", () => {
	it("replaces the id already there instead of adding a second one", () => {
		const once = setD1DatabaseId(toml, "staging", "DB", "8fb05c96-3b4e-4db2-b5e6-7a8b9c0d1e2f");
		const twice = setD1DatabaseId(once, "staging", "DB", "90c16da7-4c5f-4ec3-86f7-8b9c0d1e2f30");
		expect(twice.match(/database_id = /g)?.length).toBe((toml.match(/database_id = /g)?.length ?? 0) + 1);
		expect(twice).toContain('database_id = "90c16da7-4c5f-4ec3-86f7-8b9c0d1e2f30"');
		expect(twice).not.toContain("8fb05c96");
	});

	it("refuses an environment the file does not define and a value that is not an id", () => {
		expect(() => setD1DatabaseId(toml, "prod", "DB", newId())).toThrow("no [[env.prod.d1_databases]]");
		expect(() => setD1DatabaseId(toml, "production", "DB", 'x"\ninjected = "1')).toThrow("not a D1 database id");
	});
});

describe("reading wrangler's listings", () => {
	it("takes bucket names from `r2 bucket list` and queue names from the `queues list` table", () => {
		const buckets =
			"Listing buckets...\nname:           edgesync-archive\ncreation_date:  2026-01-02T03:04:05.000Z\n\nname:           edgesync-exchange\ncreation_date:  2026-01-02T03:04:06.000Z\n";
		expect(parseBucketList(buckets)).toEqual(["edgesync-archive", "edgesync-exchange"]);
		const table = [
			"┌──────────────────────────────────┬────────────────┬─────────┬─────────┬───────────┬───────────┐",
			"│ id                               │ name           │ created_on │ modified_on │ producers │ consumers │",
			"├──────────────────────────────────┼────────────────┼─────────┼─────────┼───────────┼───────────┤",
			"│ 0123456789abcdef0123456789abcdef │ edgesync-pairs │ 2026-01-02 │ 2026-01-02 │ 1         │ 1         │",
			"└──────────────────────────────────┴────────────────┴─────────┴─────────┴───────────┴───────────┘",
		].join("\n");
		expect(parseQueueTable(table)).toEqual(["edgesync-pairs"]);
		expect(parseQueueTable("")).toEqual([]);
	});

	it("takes D1 names and ids from `d1 list --json`, whatever wrangler printed around it", () => {
		const json = '[{"uuid":"4b7c1e52-9d0a-4f7e-b1a2-3c4d5e6f7a8b","name":"edgesync","created_at":"2026-01-02"}]';
		expect(parseD1List(`▲ a warning\n${json}\n`)).toEqual([
			{ name: "edgesync", id: "4b7c1e52-9d0a-4f7e-b1a2-3c4d5e6f7a8b" },
		]);
		expect(() => parseD1List("Not logged in.")).toThrow("wrangler printed no JSON list");
	});

	it("tells a Worker that does not exist yet (no secrets) from other failures of `secret list`", () => {
		expect(
			workerMissing('✘ [ERROR] Worker "edgesync-staging" (env: staging) not found.\n\nIf this is a new Worker'),
		).toBe(true);
		expect(workerMissing("✘ [ERROR] getaddrinfo ENOTFOUND api.cloudflare.com")).toBe(false);
	});
});
