import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { moveObject } from "../../batch/inbound/move-object";

const MiB = 1024 * 1024;

async function sha256Of(bytes: ArrayBuffer | Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function digestAt(key: string): Promise<{ size: number; sha256: string } | null> {
	const object = await env.EXCHANGE.get(key);
	if (!object) return null;
	const bytes = await object.arrayBuffer();
	return { size: bytes.byteLength, sha256: await sha256Of(bytes) };
}

describe("moveObject: copy, then delete the version that was copied", () => {
	it("moves a small object in one put, keeping its metadata", async () => {
		await env.EXCHANGE.put("1000/inbound/a.sync", "p1\t1\n", { customMetadata: { uploadedBy: "1000" } });
		expect(await moveObject(env.EXCHANGE, "1000/inbound/a.sync", "work/processed/1000/a/a.sync")).toBe("moved");
		expect(await env.EXCHANGE.head("1000/inbound/a.sync")).toBeNull();
		const moved = await env.EXCHANGE.get("work/processed/1000/a/a.sync");
		expect(await moved?.text()).toBe("p1\t1\n");
		expect(moved?.customMetadata).toEqual({ uploadedBy: "1000" });
	});

	it("moves a large object as a multipart upload of ranged reads, byte for byte", async () => {
		const data = new Uint8Array(11 * MiB + 123);
		for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 12)) % 251;
		await env.EXCHANGE.put("1000/inbound/big.sync", data);
		const multipart = vi.spyOn(env.EXCHANGE, "createMultipartUpload");
		expect(await moveObject(env.EXCHANGE, "1000/inbound/big.sync", "work/processed/1000/big/big.sync", 5 * MiB)).toBe(
			"moved",
		);
		expect(multipart).toHaveBeenCalledOnce();
		// Compared by digest: a failing toEqual of 11 MiB would print them all.
		expect(await digestAt("work/processed/1000/big/big.sync")).toEqual({
			size: data.length,
			sha256: await sha256Of(data),
		});
		expect(await env.EXCHANGE.head("1000/inbound/big.sync")).toBeNull();
	});

	it("a retry after the move finds the source gone and changes nothing", async () => {
		await env.EXCHANGE.put("1000/inbound/a.sync", "x");
		await moveObject(env.EXCHANGE, "1000/inbound/a.sync", "work/processed/1000/a/a.sync");
		expect(await moveObject(env.EXCHANGE, "1000/inbound/a.sync", "work/processed/1000/a/a.sync")).toBe("gone");
		expect(await (await env.EXCHANGE.get("work/processed/1000/a/a.sync"))?.text()).toBe("x");
	});

	it("keeps a file uploaded again under the same name while it was being copied", async () => {
		await env.EXCHANGE.put("1000/inbound/a.sync", "first");
		const put = env.EXCHANGE.put.bind(env.EXCHANGE);
		vi.spyOn(env.EXCHANGE, "put").mockImplementation(async (key, value, options) => {
			const stored = await put(key, value, options);
			if (key.startsWith("work/")) await put("1000/inbound/a.sync", "second");
			return stored;
		});
		await moveObject(env.EXCHANGE, "1000/inbound/a.sync", "work/processed/1000/a/a.sync");
		expect(await (await env.EXCHANGE.get("work/processed/1000/a/a.sync"))?.text()).toBe("first");
		expect(await (await env.EXCHANGE.get("1000/inbound/a.sync"))?.text()).toBe("second");
	});
});
