import { describe, expect, it, vi } from "vitest";
import { alreadyRunning, type Command, type Handlers, installApi, type Queue } from "./api";

const handlers = (): Handlers => ({ getUuid: vi.fn(), optOut: vi.fn() });

describe("installApi", () => {
	it("replays commands queued before the tag loaded, then runs new ones at once", () => {
		const cb = () => {};
		const holder: { edgesync?: Queue } = { edgesync: [["getUuid", cb], ["optOut"]] };
		const h = handlers();
		installApi(holder, h);
		expect(h.getUuid).toHaveBeenCalledWith(cb);
		expect(h.optOut).toHaveBeenCalledTimes(1);
		(holder.edgesync as { push(c: Command): void }).push(["getUuid", cb]);
		expect(h.getUuid).toHaveBeenCalledTimes(2);
	});

	it("works without a queue and ignores junk commands", () => {
		const holder: { edgesync?: Queue } = {};
		const h = handlers();
		installApi(holder, h);
		const push = (holder.edgesync as { push(c: unknown): void }).push;
		expect(() => {
			push(null);
			push("optOut");
			push(["toString"]);
			push(["__proto__"]);
			push(["unknownCommand", 1]);
		}).not.toThrow();
		expect(h.optOut).not.toHaveBeenCalled();
	});

	it("keeps an error in a handler away from the page", () => {
		const holder: { edgesync?: Queue } = { edgesync: [["optOut"]] };
		const h = handlers();
		h.optOut = () => {
			throw new Error("boom");
		};
		expect(() => installApi(holder, h)).not.toThrow();
	});
});

describe("alreadyRunning", () => {
	it("is true only once a tag has replaced the queue", () => {
		expect(alreadyRunning({})).toBe(false);
		expect(alreadyRunning({ edgesync: [] })).toBe(false);
		const holder: { edgesync?: Queue } = {};
		installApi(holder, handlers());
		expect(alreadyRunning(holder)).toBe(true);
	});
});
