// One DevTools connection to the Worker's isolate, through the inspector that `wrangler dev
// --inspector-port` exposes (`Edge.inspectorPort`). wrangler's inspector proxy serves one client at a
// time, so the heap sampler and the CPU profiler share this one; answers are matched to questions by
// id, and the runtime's events (console lines, profiler notices) are ignored.

export interface Inspector {
	ask<T>(method: string, params?: object): Promise<T>;
	close(): void;
}

export async function openInspector(inspectorPort: number): Promise<Inspector> {
	const url = `ws://127.0.0.1:${inspectorPort}/ws`;
	// The inspector proxy insists on an Origin header (a browser-only attack surface otherwise).
	const ws = new WebSocket(url, { headers: { Origin: `http://127.0.0.1:${inspectorPort}` } } as unknown as string[]);
	await new Promise<void>((resolve, reject) => {
		ws.onopen = () => resolve();
		ws.onerror = () => reject(new Error(`cannot reach the inspector at ${url}`));
	});
	const waiting = new Map<number, (result: unknown) => void>();
	let next = 0;
	ws.onmessage = (event) => {
		const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
		if (message.id === undefined) return;
		waiting.get(message.id)?.(message.result);
		waiting.delete(message.id);
	};
	return {
		ask<T>(method: string, params: object = {}) {
			return new Promise<T>((resolve) => {
				const id = ++next;
				waiting.set(id, resolve as (result: unknown) => void);
				ws.send(JSON.stringify({ id, method, params }));
			});
		},
		close: () => ws.close(),
	};
}
