/**
 * Where a file may sit inside a partner's inbound area (`<DPID>/inbound/`): directly (`<file name>`), or
 * in AAM's S3 layout `<partner folder>/date=YYYY-MM-DD/<file name>`, so a vendor's AAM upload job can
 * keep its paths. Anything deeper or differently shaped is refused by name, never guessed at.
 */
export type InboundPath = { name: string; folder: string | null; date: string | null } | { error: string };

const FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const DATE = /^date=(\d{4}-\d{2}-\d{2})$/;

export function parseInboundPath(path: string): InboundPath {
	const parts = path.split("/");
	if (parts.length === 1) return { name: path, folder: null, date: null };
	const [folder = "", dated = "", name = ""] = parts;
	const date = DATE.exec(dated)?.[1];
	if (parts.length === 3 && FOLDER.test(folder) && date && isCalendarDay(date)) return { name, folder, date };
	return {
		error: `${path} is neither <file name> nor <partner folder>/date=YYYY-MM-DD/<file name> inside your inbound area`,
	};
}

export function isPathError(path: InboundPath): path is { error: string } {
	return "error" in path;
}

function isCalendarDay(day: string): boolean {
	const parsed = new Date(`${day}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === day;
}
