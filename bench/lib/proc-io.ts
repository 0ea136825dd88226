// Bytes a process has handed to write() so far (`wchar` in /proc/<pid>/io): for workerd, mostly its
// SQLite databases' journal and page writes, whatever the file system, so a bench can say how many bytes
// a line cost to store.
import { readFileSync } from "node:fs";

export function bytesWritten(pid: number): number {
	const line = readFileSync(`/proc/${pid}/io`, "utf8")
		.split("\n")
		.find((l) => l.startsWith("wchar:"));
	if (!line) throw new Error(`/proc/${pid}/io has no wchar`);
	return Number(line.slice("wchar:".length).trim());
}
