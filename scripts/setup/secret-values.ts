// The values of the secrets the set-up uploads: from an environment variable of the same name (a CI
// deploy), typed without echo, or generated. Values are never printed.
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { secretProblem } from "../../core/config/secret-strength.ts";
import { GENERATED_WHEN_EMPTY } from "./plan.ts";

export const generateSecret = () => randomBytes(33).toString("base64url");

/** Reads one line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
	process.stdout.write(question);
	const silent = new Writable({ write: (_chunk, _enc, done) => done() });
	const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
	return new Promise((resolve) => {
		rl.question("", (answer) => {
			rl.close();
			process.stdout.write("\n");
			resolve(answer.trim());
		});
	});
}

/** A value for each of `names`; throws when one is needed and the terminal cannot ask for it. */
export async function secretValues(names: string[], interactive: boolean): Promise<Record<string, string>> {
	const values: Record<string, string> = {};
	for (const name of names) {
		const fromEnv = process.env[name];
		if (fromEnv !== undefined) {
			const problem = secretProblem(fromEnv);
			if (problem) throw new Error(`the environment variable ${name} ${problem}`);
			values[name] = fromEnv;
			console.log(`${name}: taken from the environment variable.`);
			continue;
		}
		if (!interactive) throw new Error(`${name} is not set on the Worker: set the environment variable ${name}`);
		values[name] = await askUntilStrong(name);
	}
	return values;
}

async function askUntilStrong(name: string): Promise<string> {
	const generated = GENERATED_WHEN_EMPTY.includes(name);
	for (;;) {
		const answer = await askHidden(
			generated
				? `${name} (Enter generates a random one, or type a value; not shown): `
				: `${name} (at least 32 random characters, e.g. from \`openssl rand -base64 33\`; not shown): `,
		);
		if (answer === "" && generated) {
			console.log(`${name}: generated.`);
			return generateSecret();
		}
		const problem = secretProblem(answer);
		if (problem === null) return answer;
		console.log(`That value ${problem}; the edge would refuse to serve with it. Try again.`);
	}
}
