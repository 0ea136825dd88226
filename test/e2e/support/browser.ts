import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium; CHROMIUM_PATH points elsewhere on other systems. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--disable-quic",
	"--no-first-run",
	"--disable-component-update",
	"--disable-sync",
];

/**
 * Launches Chromium with a fresh temporary profile (Playwright's default). Never skips: without a
 * browser the suite fails and says how to get one, on CI and on a laptop alike.
 */
export async function launchChromium(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			`Chromium not found at ${CHROMIUM}. The tag's browser tests need it: on Debian/Ubuntu run ` +
				"`sudo apt-get install -y chromium`; elsewhere set CHROMIUM_PATH to a Chromium or Chrome binary.",
		);
	}
	return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
